package main

// Spam templates: Korean loan, insurance and gambling advertisements
// (with the legally required "(광고)" or without it), fake delivery
// notices and bank phishing, SEO offers; English advance-fee fraud,
// crypto and casino pitches, account phishing. Sentences are drawn from
// pools so that no two messages are alike, and many words are shared
// with the ham templates (무료, 계좌, 확인, invoice, account, links).

import (
	"fmt"
	"strings"
)

// kind is a template and how often it is drawn; its name goes into the
// X-Corpus-Kind header (no token is made of it) for per-kind figures.
type kind struct {
	name   string
	weight int
	make   func(g *gen) *mail
}

// spamKinds: about two thirds Korean, as a Korean business receives.
var spamKinds = []kind{
	{"koLoan", 14, (*gen).koLoan},
	{"koInsurance", 8, (*gen).koInsurance},
	{"koGambling", 10, (*gen).koGambling},
	{"koDelivery", 10, (*gen).koDelivery},
	{"koBankPhish", 12, (*gen).koBankPhish},
	{"koSEO", 8, (*gen).koSEO},
	{"enAdvanceFee", 12, (*gen).enAdvanceFee},
	{"enCrypto", 10, (*gen).enCrypto},
	{"enPhish", 10, (*gen).enPhish},
	{"enSEO", 6, (*gen).enSEO},
}

func (g *gen) spam() *mail { return g.choose(g.kindsFor(spamKinds, spamHard, spamNovel)) }

func (g *gen) choose(ks []kind) *mail {
	total := 0
	for _, k := range ks {
		total += k.weight
	}
	x := g.r.IntN(total)
	for _, k := range ks {
		if x < k.weight {
			m := k.make(g)
			m.kind = k.name
			return m
		}
		x -= k.weight
	}
	panic("unreachable")
}

// adFooter is the footer Korean law asks of advertisements; many
// spammers leave it out.
func (g *gen) adFooter(domain string) string {
	return g.pick([]string{
		"본 메일은 수신동의 여부를 확인한 후 발송되었습니다. 수신을 원치 않으시면 수신거부를 눌러주세요. " + g.link(domain),
		"무료 수신거부: 080-" + fmt.Sprint(g.num(100, 999)) + "-" + fmt.Sprint(g.num(1000, 9999)),
		"수신거부는 회신 주시면 처리해 드립니다.",
		"더 이상 메일을 받지 않으시려면 여기를 클릭하세요 " + g.link(domain),
	})
}

func (g *gen) adSubject(s string) string {
	if g.chance(0.55) {
		return "(광고) " + s
	}
	return s
}

func join(parts ...string) string { return strings.Join(parts, "\n\n") }

func (g *gen) koLoan() *mail {
	d := g.spamDomain()
	subj := g.adSubject(g.pick([]string{
		"무직자도 당일 " + g.won() + " 승인 가능",
		"저금리 대환대출 한도 조회 안내",
		"사업자 긴급자금 무담보 대출 상담",
		"신용점수 상관없이 대출 가능합니다",
		"[" + g.pick([]string{"정부지원", "서민금융", "특별"}) + "] 저금리 대출 신청 마감 임박",
		"고객님 대출 한도가 " + g.won() + "으로 상향되었습니다",
	}))
	body := g.some([]string{
		"고객님의 대출 한도가 " + g.won() + "까지 승인 가능합니다.",
		"신용 조회 없이 무료로 한도를 확인해 보세요.",
		"연 " + fmt.Sprint(g.num(3, 9)) + "%대 저금리로 기존 고금리 대출을 갈아타세요.",
		"무직자, 주부, 프리랜서도 당일 입금 가능합니다.",
		"서류 없이 모바일로 3분이면 신청 완료.",
		"기존 대출이 많으셔도 상담 가능합니다. 지금 바로 문의하세요.",
		"상담은 무료이며 중개 수수료를 요구하지 않습니다.",
		"승인 즉시 고객님 명의 계좌로 입금해 드립니다.",
		"이번 달 한정 특별 금리 혜택을 놓치지 마세요.",
		"카카오톡 상담: " + g.pick([]string{"money", "loan", "fund"}) + fmt.Sprint(g.num(10, 999)),
		"상담 전화: " + g.phone(),
	}, 3, 7)
	text := join(append([]string{g.pick([]string{"안녕하세요 고객님.", "■ 긴급 자금이 필요하신 분께 ■", "고객님께 좋은 소식을 전해드립니다."})},
		append(body, "신청하기: "+g.link(d), g.adFooter(d))...)...)
	m := &mail{fromName: g.pick([]string{"서민금융지원센터", "대출상담팀", "한도조회", "금융상담센터", g.koName() + " 팀장"}),
		fromAddr: g.pick([]string{"loan", "help", "info", "vip"}) + fmt.Sprint(g.num(1, 999)) + "@" + d, subject: subj, text: text}
	g.spamLook(m, true)
	return m
}

func (g *gen) koInsurance() *mail {
	d := g.spamDomain()
	subj := g.adSubject(g.pick([]string{
		"보험료 비교 무료 상담 이벤트",
		"실손보험 이대로 괜찮으세요? 보장 분석 무료",
		"암보험 가입하고 사은품 받아가세요",
		"운전자보험 월 " + fmt.Sprint(g.num(9, 29)) + ",900원 한정 특가",
		"숨은 보험금 찾아드립니다",
	}))
	body := g.some([]string{
		"지금 가입하신 보험, 보장은 충분하신가요?",
		"전문 설계사가 무료로 보장 분석을 해 드립니다.",
		"숨어 있는 보험금을 조회하고 바로 청구하세요.",
		"상담만 받아도 커피 쿠폰을 드립니다.",
		"월 보험료를 최대 " + fmt.Sprint(g.num(20, 60)) + "% 절감할 수 있습니다.",
		"가입 시 " + g.pick([]string{"백화점 상품권", "주유권", "모바일 쿠폰"}) + " 증정 이벤트 진행 중입니다.",
		"선착순 " + fmt.Sprint(g.num(50, 300)) + "명 한정 혜택입니다.",
		"아래 링크에서 간편하게 신청하세요.",
	}, 3, 6)
	text := join(append(body, g.link(d), g.adFooter(d))...)
	m := &mail{fromName: g.pick([]string{"보험비교센터", "보장분석팀", "보험다모아", "고객센터"}),
		fromAddr: "ad" + fmt.Sprint(g.num(1, 99)) + "@" + d, subject: subj, text: text}
	g.spamLook(m, true)
	return m
}

func (g *gen) koGambling() *mail {
	d := g.spamDomain()
	subj := g.adSubject(g.pick([]string{
		"신규 가입 첫충 " + fmt.Sprint(g.num(10, 50)) + "% 보너스",
		"안전놀이터 추천 - 먹튀 없는 메이저",
		"스포츠 토토 실시간 배당 최고",
		"카지노 무료 체험머니 지급",
		"오늘만 " + g.won() + " 꽁머니 지급",
	}))
	body := g.some([]string{
		"국내 최고 배당률, 24시간 빠른 환전.",
		"신규 회원 가입 즉시 무료 포인트를 드립니다.",
		"먹튀 걱정 없는 검증된 메이저 사이트입니다.",
		"라이브 카지노, 바카라, 슬롯 모두 이용 가능.",
		"입금 계좌는 가입 후 고객센터로 문의하세요.",
		"추천 코드 " + strings.ToUpper(g.spamDomain()[:4]) + " 입력 시 추가 보너스.",
		"텔레그램 문의: @" + g.pick([]string{"vip", "bet", "win"}) + fmt.Sprint(g.num(100, 999)),
		"주소가 자주 바뀌니 즐겨찾기 해 두세요.",
	}, 3, 6)
	text := join(append(body, "바로가기 "+g.link(d), g.pick([]string{"", g.adFooter(d)}))...)
	m := &mail{fromName: g.pick([]string{"VIP 고객센터", "이벤트팀", "", "승리"}),
		fromAddr: g.pick([]string{"event", "vip", "bonus"}) + fmt.Sprint(g.num(1, 999)) + "@" + d, subject: subj, text: text}
	g.spamLook(m, true)
	return m
}

func (g *gen) koDelivery() *mail {
	d := g.spamDomain()
	carrier := g.pick([]string{"한결택배", "바로배송", "우정택배", "스마트물류"})
	subj := g.pick([]string{"[국제발신]", "[Web발신]", ""}) + g.pick([]string{
		" 고객님의 택배가 주소 불명으로 보관 중입니다",
		" 배송 주소 확인 요청",
		" [" + carrier + "] 운송장 " + fmt.Sprint(g.num(100000, 999999)) + " 배송 보류 안내",
		" 반송 예정 택배 안내",
	})
	body := g.some([]string{
		"고객님의 택배가 도로명 주소 불일치로 배송이 보류되었습니다.",
		"아래 링크에서 주소를 확인해 주세요: " + g.link(d),
		"48시간 이내 확인하지 않으시면 반송 처리됩니다.",
		"재배송 수수료 " + fmt.Sprint(g.num(1, 3)) + ",500원 결제가 필요합니다.",
		"운송장 번호: " + fmt.Sprint(g.num(1000000000, 2000000000)),
		"본인 확인을 위해 휴대폰 인증을 진행해 주세요.",
		"배송 조회: " + g.link(d),
	}, 2, 5)
	text := join(append([]string{carrier + " 고객센터입니다."}, body...)...)
	m := &mail{fromName: carrier, fromAddr: "noreply@" + d, subject: strings.TrimSpace(subj), text: text}
	g.spamLook(m, true)
	return m
}

func (g *gen) koBankPhish() *mail {
	d := g.spamDomain()
	bank := g.pick([]string{"한빛은행", "나래은행", "새솔은행", "온누리저축은행"})
	subj := g.pick([]string{"[국제발신] ", "[" + bank + "] ", ""}) + g.pick([]string{
		"고객님 계좌가 일시 정지되었습니다",
		"비정상 로그인 시도 차단 안내",
		"보안카드 재등록 요청",
		"해외 결제 " + g.won() + " 승인 완료",
		"공동인증서 만료 예정 안내",
		"세금계산서 미납 안내",
	})
	body := g.some([]string{
		"고객님의 계좌에서 비정상적인 거래가 감지되어 이용이 제한되었습니다.",
		"본인 확인 후 정상 이용이 가능합니다.",
		"아래 링크에 접속하여 보안 인증을 완료해 주세요. " + g.link(d),
		"24시간 내 인증하지 않으면 계좌가 영구 정지됩니다.",
		"본인이 결제하지 않았다면 즉시 고객센터로 연락 바랍니다. " + g.phone(),
		"첨부된 보안 프로그램을 설치해 주세요.",
		"계좌 비밀번호와 보안카드 번호를 정확히 입력해 주세요.",
		"인증서 갱신: " + g.link(d),
		"미납 세금계산서를 확인하시고 납부해 주시기 바랍니다.",
	}, 2, 5)
	text := join(append([]string{bank + "에서 알려드립니다."}, append(body, bank+" 고객센터")...)...)
	m := &mail{fromName: bank + g.pick([]string{"", " 고객센터", " 보안팀"}),
		fromAddr: g.pick([]string{"security", "alert", "notice", "admin"}) + "@" + d, subject: subj, text: text}
	if g.chance(0.15) {
		// phishing from a hijacked free-mail account
		m.fromAddr = fmt.Sprintf("%s%d@%s", g.pick([]string{"notice", "bank", "kb"}), g.num(10, 9999), freemail)
	}
	g.spamLook(m, true)
	return m
}

func (g *gen) koSEO() *mail {
	d := g.spamDomain()
	subj := g.adSubject(g.pick([]string{
		"블로그 상위노출 보장 마케팅",
		"홈페이지 검색 1페이지 노출 무료 진단",
		ourName + " 대표님께 마케팅 제안드립니다",
		"인스타그램 팔로워 늘리기 패키지",
		"네이버 플레이스 상위노출 한 달 무료",
	}))
	body := g.some([]string{
		"귀사 홈페이지를 검색 상위에 노출시켜 드립니다.",
		"월 " + g.won() + "으로 키워드 " + fmt.Sprint(g.num(5, 30)) + "개 상위노출을 보장합니다.",
		"효과가 없으면 100% 환불해 드립니다.",
		"첫 달은 무료로 진행해 드립니다.",
		"체험단, 리뷰, 블로그 포스팅을 한 번에 관리합니다.",
		"무료 진단 신청: " + g.link(d),
		"담당자 " + g.koName() + " 실장 " + g.phone(),
		"바쁘시더라도 회신 부탁드립니다.",
	}, 3, 6)
	text := join(append([]string{"안녕하세요, 대표님."}, append(body, g.adFooter(d))...)...)
	m := &mail{fromName: g.pick([]string{"마케팅팀", "온라인광고", g.koName()}),
		fromAddr: g.pick([]string{"mkt", "seo", "ad"}) + fmt.Sprint(g.num(1, 99)) + "@" + d, subject: subj, text: text}
	if g.chance(0.25) {
		m.fromAddr = fmt.Sprintf("seo.%s%d@%s", g.pick([]string{"pro", "top", "rank"}), g.num(1, 99), freemail)
	}
	g.spamLook(m, true)
	return m
}

func (g *gen) enAdvanceFee() *mail {
	name := g.enPerson(freemail).name // the name only; the address is made below
	d := g.spamDomain()
	amount := fmt.Sprintf("US$%d.%d million", g.num(2, 45), g.num(1, 9))
	subj := g.pick([]string{
		"Urgent business proposal",
		"Confidential: inheritance claim",
		"Your compensation payment of " + amount,
		"Re: transfer of funds",
		"Good day, I need your assistance",
		"Beneficiary notification",
	})
	body := g.some([]string{
		"I am " + g.pick([]string{"Barrister", "Dr.", "Mr.", "Mrs."}) + " " + name + ", a " + g.pick([]string{"senior attorney", "bank auditor", "diplomat", "contract officer"}) + " with a confidential proposal.",
		"A deceased client left the sum of " + amount + " with no next of kin.",
		"I seek your consent to present you as the beneficiary so the funds can be transferred to your bank account.",
		"You will receive 40% of the total sum for your assistance.",
		"This transaction is 100% risk free and legal.",
		"Kindly send your full name, phone number and bank account details to proceed.",
		"A small processing fee is required to release the funds from the security company.",
		"Please treat this matter as strictly confidential.",
		"Reply to my private email for more details: " + strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@" + freemail,
		"I await your urgent response.",
	}, 4, 8)
	text := join(append([]string{g.pick([]string{"Dear Friend,", "Dear Sir/Madam,", "Greetings,", "Attention: Beneficiary"})}, append(body, "Regards,\n"+name)...)...)
	m := &mail{fromName: name, fromAddr: strings.ToLower(strings.Fields(name)[1]) + fmt.Sprint(g.num(1, 99)) + "@" + g.pick([]string{d, freemail}), subject: subj, text: text}
	g.spamLook(m, false)
	return m
}

func (g *gen) enCrypto() *mail {
	d := g.spamDomain()
	coin := g.pick([]string{"BTC", "ETH", "USDT", "SOL"})
	subj := g.pick([]string{
		"Your " + coin + " withdrawal is pending",
		"Claim your free " + coin + " airdrop",
		"Exclusive casino bonus: 200 free spins",
		"Turn $250 into $" + fmt.Sprint(g.num(5, 40)) + ",000 with AI trading",
		"VIP invitation: online casino",
	})
	body := g.some([]string{
		"Our AI trading platform made members " + fmt.Sprint(g.num(200, 900)) + "% profit last month.",
		"Deposit today and get a 100% welcome bonus.",
		"Your account has " + fmt.Sprintf("%d.%04d %s", g.num(0, 3), g.num(1, 9999), coin) + " ready to withdraw.",
		"Connect your wallet to claim your free tokens: " + g.link(d),
		"Limited offer, only " + fmt.Sprint(g.num(20, 100)) + " spots left.",
		"Play slots, roulette and live blackjack with instant payouts.",
		"No verification required. Withdraw anytime.",
		"Sign up now: " + g.link(d),
		"Unsubscribe: " + g.link(d),
	}, 3, 6)
	text := join(append([]string{g.pick([]string{"Hello,", "Hi there,", "Congratulations!"})}, body...)...)
	m := &mail{fromName: g.pick([]string{"Crypto Desk", "Lucky Spin Casino", "Wallet Support", "Trading Team"}),
		fromAddr: g.pick([]string{"bonus", "support", "vip", "team"}) + "@" + d, subject: subj, text: text}
	g.spamLook(m, false)
	return m
}

func (g *gen) enPhish() *mail {
	d := g.spamDomain()
	subj := g.pick([]string{
		"Verify your account",
		"Your mailbox is almost full",
		"Action required: unusual sign-in activity",
		"Invoice #" + fmt.Sprint(g.num(10000, 99999)) + " overdue",
		"Your password expires today",
		"Shared document: " + g.pick([]string{"Payment", "Contract", "Invoice", "Purchase Order"}) + "_" + fmt.Sprint(g.num(100, 999)) + ".pdf",
	})
	body := g.some([]string{
		"We detected unusual sign-in activity on your account.",
		"Your account will be suspended within 24 hours unless you verify your identity.",
		"Click here to verify your account: " + g.link(d),
		"Your mailbox has exceeded its storage quota. Upgrade now to keep receiving email.",
		"Please review the attached invoice and confirm payment.",
		"A document has been shared with you. Sign in to view: " + g.link(d),
		"Confirm your password to keep using your email.",
		"If you did not request this, please secure your account immediately.",
		"IT Helpdesk, " + ourDomain,
	}, 2, 5)
	text := join(append([]string{g.pick([]string{"Dear user,", "Hello,", "Dear customer,"})}, body...)...)
	m := &mail{fromName: g.pick([]string{"Mail Administrator", "Security Team", "IT Support", "Accounts Payable", "Document Share"}),
		fromAddr: g.pick([]string{"admin", "no-reply", "security", "billing"}) + "@" + d, subject: subj, text: text}
	g.spamLook(m, false)
	return m
}

func (g *gen) enSEO() *mail {
	d := g.spamDomain()
	subj := g.pick([]string{
		"Rank your website on page 1 of Google",
		"Quick question about your website",
		"SEO proposal for " + ourDomain,
		"Guest post opportunity",
		"Boost your traffic in 30 days",
	})
	body := g.some([]string{
		"I was checking your website and noticed it is not ranking for important keywords.",
		"We can put you on the first page of Google within 30 days.",
		"Our packages start at just $" + fmt.Sprint(g.num(99, 499)) + " per month.",
		"We offer a free website audit with no obligation.",
		"Would you be interested in a short call this week?",
		"We also build high quality backlinks from authority sites.",
		"Reply with \"yes\" and I will send the price list.",
		"If you are not interested, reply \"no\" and I will not contact you again.",
	}, 3, 6)
	p := g.enPerson(g.pick([]string{d, freemail}))
	text := join(append([]string{"Hi,"}, append(body, "Best regards,\n"+p.name+"\nDigital Marketing Manager")...)...)
	m := &mail{fromName: p.name, fromAddr: p.addr, subject: subj, text: text}
	g.spamLook(m, false)
	return m
}

// spamLook picks the recipient, the encoding and whether the message
// is HTML: bulk mail is often HTML, sometimes HTML only.
func (g *gen) spamLook(m *mail, korean bool) {
	m.to = addrLine(g.us())
	if g.chance(0.2) {
		m.to = "undisclosed-recipients:;"
	}
	g.encoding(m, korean, 0.3)
	switch x := g.r.Float64(); {
	case x < 0.25:
		m.htmlOnly = true
	case x < 0.55:
		m.html = true
	}
}
