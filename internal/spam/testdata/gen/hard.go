package main

// The hard cases that keep the measured figures honest: spam written as
// business mail (a fake 견적서 or 세금계산서 behind a login link, "our
// bank details changed" from a look-alike of a partner's domain), ham
// that reads like spam (a real login alert, a real delivery notice, a
// partner's own (광고)), and kinds of each that appear in the test
// split only, as a new campaign or a new correspondent would.

import (
	"fmt"
	"slices"
	"strings"
)

// lookalike is a partner's domain as a fraudster registers it.
func (g *gen) lookalike(c company) string {
	name := strings.TrimSuffix(c.domain, ".example")
	return g.pick([]string{name + "-co", name + "s", strings.Replace(name, "-", "", 1), name + "-kr", "mail-" + name}) + ".example"
}

// koDocPhish is a fake business document: polite Korean business
// language and a link to a page that asks for the mailbox password.
func (g *gen) koDocPhish() *mail {
	c := partners[g.r.IntN(7)]
	doc := g.pick([]string{"견적서", "세금계산서", "발주서", "계약서", "거래명세서"})
	d := g.pick([]string{g.lookalike(c), g.spamDomain()})
	p := g.koPerson(d)
	if g.chance(0.3) {
		p = g.koPerson(freemail)
	}
	subj := g.pick([]string{doc + " 확인 부탁드립니다", "[" + c.name + "] " + doc + " 송부", doc + " 재발송", "Re: " + doc + " 관련"})
	body := g.some([]string{
		"요청하신 " + doc + "를 보내드립니다.",
		"문서 보안을 위해 아래 링크에서 메일 계정으로 로그인 후 확인해 주세요.",
		"문서 보기: " + g.link(d),
		"용량 문제로 대용량 첨부로 보냈습니다. 다운로드 기한은 " + g.koDate() + "까지입니다.",
		"확인 후 회신 부탁드립니다.",
		"금액 " + g.won() + " 관련 내용이니 오늘 중 확인해 주세요.",
	}, 3, 5)
	m := &mail{fromName: p.name, fromAddr: p.addr, subject: subj,
		text: join(append(append([]string{"안녕하세요, " + c.name + " " + p.name + "입니다."}, body...), "감사합니다.")...)}
	g.spamLook(m, true)
	m.htmlOnly = false
	return m
}

// enBankChange is business e-mail compromise: an invoice's bank
// details "updated", from a domain one letter off a partner's.
func (g *gen) enBankChange() *mail {
	c := partners[7+g.r.IntN(len(partners)-7)]
	p := g.enPerson(g.lookalike(c))
	ref := fmt.Sprintf("PO-%d", g.num(1000, 9999))
	subj := g.pick([]string{"Updated bank details", "Invoice " + ref + " - new account", "Urgent: payment for " + ref, "Change of remittance information"})
	body := g.some([]string{
		"Please note that our bank account has changed due to an ongoing audit.",
		"Kindly make the payment for " + ref + " to the new account below.",
		"Beneficiary bank: " + g.pick([]string{"Harbor Trust", "Meridian Savings", "Union Crest"}) + ", account " + fmt.Sprint(g.num(10000000, 99999999)),
		"Do not use the old account details from previous invoices.",
		"Please confirm once the transfer is done so we can release the shipment.",
		"I am travelling, so please reply by email only.",
	}, 3, 5)
	m := &mail{fromName: p.name, fromAddr: p.addr, subject: subj,
		text: join(append(append([]string{"Dear " + g.pick([]string{"Mr. Kim", "Ms. Lee", "colleague"}) + ","}, body...), "Best regards,\n"+p.name+"\n"+c.name)...)}
	g.spamLook(m, false)
	m.htmlOnly, m.html = false, false
	return m
}

// koServiceNotice is a real notification from a service the company
// uses: login alerts, card payments, deliveries of what it ordered.
func (g *gen) koServiceNotice() *mail {
	svc := g.pick([]string{"클라우드박스", "오피스몰", "나래카드"})
	domain := map[string]string{"클라우드박스": "cloudbox.example", "오피스몰": "shop.officemall.example", "나래카드": "narae-card.example"}[svc]
	var subj string
	var body []string
	switch svc {
	case "클라우드박스":
		subj = g.pick([]string{"[클라우드박스] 새 기기에서 로그인했습니다", "[클라우드박스] 저장 공간이 " + fmt.Sprint(g.num(80, 95)) + "% 찼습니다", "[클라우드박스] 공유 폴더 초대"})
		body = g.some([]string{
			"회원님 계정에 새 기기에서 로그인했습니다. 본인이 맞다면 이 메일은 무시하셔도 됩니다.",
			"본인이 아니라면 앱에서 직접 비밀번호를 변경해 주세요. 저희는 메일 링크로 비밀번호를 묻지 않습니다.",
			"저장 공간을 늘리려면 관리 콘솔에서 요금제를 변경하세요.",
			g.koName() + "님이 공유 폴더에 초대했습니다.",
			"로그인 위치: 서울, 대한민국",
		}, 2, 4)
	case "오피스몰":
		subj = g.pick([]string{"[오피스몰] 주문하신 상품이 배송 출발했습니다", "[오피스몰] 결제 완료 안내", "[오피스몰] 배송 지연 안내"})
		body = g.some([]string{
			"주문번호 " + fmt.Sprint(g.num(20260000, 20269999)) + " 상품이 택배로 출발했습니다.",
			"운송장 번호: " + fmt.Sprint(g.num(1000000000, 2000000000)),
			"배송 조회: " + g.link(domain),
			"결제 금액 " + g.won() + " (법인카드)",
			"물량 증가로 배송이 하루 정도 늦어질 수 있습니다.",
		}, 2, 4)
	default:
		subj = g.pick([]string{"[나래카드] 법인카드 결제 승인 " + g.won(), "[나래카드] 이용대금 명세서", "[나래카드] 해외 결제 알림"})
		body = g.some([]string{
			"법인카드(" + fmt.Sprint(g.num(1000, 9999)) + ") 결제가 승인되었습니다.",
			"이번 달 이용대금은 " + g.won() + "이며 결제일은 " + g.koDate() + "입니다.",
			"결제 계좌 잔액이 부족하지 않은지 확인해 주세요.",
			"본인 결제가 아니면 카드 뒷면의 고객센터로 전화해 주세요.",
		}, 2, 4)
	}
	m := &mail{fromName: svc, fromAddr: "no-reply@" + domain, subject: subj, text: join(body...)}
	g.hamLook(m, true)
	m.html = g.chance(0.5)
	return m
}

// Kinds of the test split only: spam of a campaign not seen in
// training, ham from correspondents not seen in training.
func (g *gen) koStockTip() *mail {
	d := g.spamDomain()
	subj := g.adSubject(g.pick([]string{"이번 주 급등 예상 종목 무료 공개", "VIP 리딩방 " + fmt.Sprint(g.num(3, 7)) + "일 무료 체험", "수익률 " + fmt.Sprint(g.num(120, 480)) + "% 달성 회원 후기"}))
	body := g.some([]string{
		"전문가가 매일 아침 추천 종목을 보내드립니다.",
		"지금 가입하면 " + fmt.Sprint(g.num(3, 7)) + "일 무료 체험이 가능합니다.",
		"세력 매집 종목을 먼저 알려드립니다.",
		"원금 손실 없는 안전한 투자, 선착순 모집 중.",
		"참여하기: " + g.link(d),
		"오픈채팅 코드: " + fmt.Sprint(g.num(1000, 9999)),
	}, 3, 5)
	m := &mail{fromName: g.pick([]string{"주식연구소", "투자클럽", "VIP 리딩"}), fromAddr: "stock" + fmt.Sprint(g.num(1, 99)) + "@" + d, subject: subj, text: join(append(body, g.adFooter(d))...)}
	g.spamLook(m, true)
	return m
}

func (g *gen) enPharma() *mail {
	d := g.spamDomain()
	subj := g.pick([]string{"Save 80% on your prescriptions", "Lose 10 kg in 30 days", "Discreet delivery, no prescription needed"})
	body := g.some([]string{
		"Order brand medication at generic prices.",
		"Fast worldwide shipping in discreet packaging.",
		"No doctor visit or prescription required.",
		"Clinically proven formula, money-back guarantee.",
		"Order now: " + g.link(d),
	}, 3, 5)
	m := &mail{fromName: g.pick([]string{"Online Pharmacy", "Health Store"}), fromAddr: "orders@" + d, subject: subj, text: join(append([]string{"Hello,"}, body...)...)}
	g.spamLook(m, false)
	return m
}

func (g *gen) koJobApplication() *mail {
	p := g.koPerson(freemail)
	role := g.pick([]string{"백엔드 개발자", "회계 담당", "해외영업", "디자이너"})
	subj := g.pick([]string{"[지원서] " + role + " - " + p.name, role + " 포지션 지원합니다", "입사지원서 제출 (" + p.name + ")"})
	body := g.some([]string{
		"채용 공고를 보고 " + role + " 포지션에 지원합니다.",
		"이력서와 포트폴리오를 첨부했습니다.",
		"이전 직장에서 " + fmt.Sprint(g.num(2, 9)) + "년간 관련 업무를 했습니다.",
		"면접 일정은 언제든 맞추겠습니다.",
		"연락처: " + g.phone(),
	}, 2, 4)
	m := &mail{fromName: p.name, fromAddr: p.addr, subject: subj, text: join(append(append([]string{"안녕하세요, 채용 담당자님."}, body...), "감사합니다.\n"+p.name+" 드림")...)}
	g.hamLook(m, true)
	return m
}

func (g *gen) enConference() *mail {
	p := g.enPerson("asiatradefair.example")
	subj := g.pick([]string{"Your exhibitor badge for Asia Trade Fair", "Booth confirmation and schedule", "Speaker invitation: Asia Trade Fair"})
	body := g.some([]string{
		"Thank you for registering as an exhibitor.",
		"Your booth is " + fmt.Sprintf("%c%d", 'A'+rune(g.r.IntN(6)), g.num(1, 60)) + " in hall " + fmt.Sprint(g.num(1, 4)) + ".",
		"Badges can be collected at the registration desk from " + g.enDate() + ".",
		"The full programme is online: " + g.link("asiatradefair.example"),
		"Please send your company logo for the catalogue by " + g.enDate() + ".",
	}, 2, 4)
	m := &mail{fromName: p.name, fromAddr: p.addr, subject: subj, text: join(append(append([]string{"Dear exhibitor,"}, body...), "Best regards,\n"+p.name+"\nAsia Trade Fair")...)}
	g.hamLook(m, false)
	return m
}

var (
	spamHard  = []kind{{"koDocPhish", 7, (*gen).koDocPhish}, {"enBankChange", 5, (*gen).enBankChange}}
	hamHard   = []kind{{"koServiceNotice", 10, (*gen).koServiceNotice}}
	spamNovel = []kind{{"koStockTip", 6, (*gen).koStockTip}, {"enPharma", 4, (*gen).enPharma}}
	hamNovel  = []kind{{"koJobApplication", 6, (*gen).koJobApplication}, {"enConference", 4, (*gen).enConference}}
)

// kindsFor is the mix of one split: the common kinds, the hard ones,
// and in the test split the unseen ones.
func (g *gen) kindsFor(common, hard, novel []kind) []kind {
	ks := slices.Concat(common, hard)
	if g.split == "test" {
		ks = slices.Concat(ks, novel)
	}
	return ks
}
