package main

// Ham templates: the mail a Korean company wants. Business mail
// (견적서, 회의, 계약, 세금계산서, 출장, 휴가 신청), replies and forwards
// quoting what they answer, newsletters the user subscribed to (with
// 무료, 할인, links and an unsubscribe line: the hard case), internal
// announcements (some about passwords and accounts, like phishing), and
// English business mail from partners abroad.

import (
	"fmt"
	"strings"
)

var hamKinds = []kind{
	{"koBusinessMail", 26, (*gen).koBusinessMail},
	{"koReply", 14, (*gen).koReply},
	{"koForward", 5, (*gen).koForward},
	{"koNewsletter", 14, (*gen).koNewsletter},
	{"koAnnouncement", 10, (*gen).koAnnouncement},
	{"koColdInquiry", 6, (*gen).koColdInquiry},
	{"enBusinessMail", 13, (*gen).enBusinessMail},
	{"enNewsletter", 8, (*gen).enNewsletter},
	{"enReply", 6, (*gen).enReply},
}

func (g *gen) ham() *mail { return g.choose(g.kindsFor(hamKinds, hamHard, hamNovel)) }

// koBusiness is a subject and body of everyday Korean business mail,
// and who sent it.
func (g *gen) koBusiness() (from person, subject, text string) {
	co := partners[g.r.IntN(7)]
	from = g.koPerson(co.domain)
	if g.chance(0.3) {
		co = company{ourName, ourDomain, false}
		from = g.koPerson(ourDomain)
	}
	item := g.pick([]string{"서버 유지보수", "사무용 가구", "포장재", "회계 감사", "소프트웨어 라이선스", "인쇄물", "물류 대행", "부품 " + fmt.Sprint(g.num(100, 900)) + "개", "교육 용역"})
	var subj string
	var body []string
	switch g.r.IntN(6) {
	case 0:
		subj = g.pick([]string{"[" + co.name + "] " + item + " 견적서 송부", item + " 견적 요청드립니다", "견적서 재송부 (" + item + ")"})
		body = g.some([]string{
			"요청하신 " + item + " 견적서를 첨부하여 보내드립니다.",
			"견적 금액은 부가세 별도 " + g.won() + "입니다.",
			"납기는 발주 후 " + fmt.Sprint(g.num(1, 6)) + "주 정도 소요됩니다.",
			"수량이 변경되면 단가를 다시 조정해 드리겠습니다.",
			"견적 유효기간은 " + g.koDate() + "까지입니다.",
			"검토하시고 궁금하신 점 있으면 연락 주세요.",
			"지난번 단가와 비교표도 함께 넣었습니다.",
		}, 2, 5)
	case 1:
		subj = g.pick([]string{g.koDate() + " 회의 일정 안내", "주간 회의 자료 공유", item + " 관련 미팅 요청", "회의록 공유드립니다"})
		body = g.some([]string{
			g.koDate() + " 오후 " + fmt.Sprint(g.num(1, 5)) + "시에 " + g.pick([]string{"3층 회의실", "본사 대회의실", "화상 회의"}) + "에서 회의가 있습니다.",
			"안건은 " + item + " 일정과 예산 검토입니다.",
			"회의 자료는 공유 폴더에 올려 두었습니다.",
			"참석이 어려우시면 미리 알려 주세요.",
			"지난 회의에서 나온 의견을 정리해 보냈습니다.",
			"화상 회의 링크: https://meet." + ourDomain + "/" + fmt.Sprint(g.num(100, 999)),
			"회의 후 결정 사항은 메일로 다시 공유하겠습니다.",
		}, 2, 5)
	case 2:
		subj = g.pick([]string{item + " 계약서 검토 요청", "계약 조건 변경 건", "[" + co.name + "] 계약서 초안 송부", "계약 갱신 안내"})
		body = g.some([]string{
			"계약서 초안을 첨부하니 검토 부탁드립니다.",
			"계약 기간은 " + g.koDate() + "부터 1년입니다.",
			"제" + fmt.Sprint(g.num(3, 12)) + "조 지체상금 조항을 수정했습니다.",
			"법무팀 의견을 반영하여 다시 보내드립니다.",
			"날인본은 우편으로 보내 주시면 됩니다.",
			"계약 금액은 " + g.won() + "(부가세 포함)입니다.",
			"수정하실 부분이 있으면 변경 내용 추적으로 표시해 주세요.",
		}, 2, 5)
	case 3:
		subj = g.pick([]string{g.koDate() + " 세금계산서 발행 안내", "세금계산서 수정 발행 요청", "대금 지급 일정 문의", "거래명세서 및 세금계산서 송부"})
		body = g.some([]string{
			"이번 달 거래분 세금계산서를 발행했습니다.",
			"공급가액 " + g.won() + ", 세액은 별도입니다.",
			"입금 계좌는 " + g.pick([]string{"한빛은행", "나래은행", "새솔은행"}) + " " + fmt.Sprintf("%03d-%06d-%02d", g.num(100, 999), g.num(100000, 999999), g.num(10, 99)) + " (예금주 " + co.name + ")입니다.",
			"대금은 " + g.koDate() + "까지 송금 부탁드립니다.",
			"사업자등록번호가 변경되어 수정 발행이 필요합니다.",
			"홈택스에서 확인하실 수 있습니다.",
			"계좌 변경이 있으면 반드시 전화로 다시 확인해 주세요.",
		}, 2, 5)
	case 4:
		city := g.pick([]string{"부산", "대구", "광주", "싱가포르", "호찌민", "상하이", "프랑크푸르트"})
		subj = g.pick([]string{city + " 출장 일정 공유", "출장 보고서 제출", city + " 출장비 정산 요청", "출장 항공권 예약 확인"})
		body = g.some([]string{
			g.koDate() + "부터 " + fmt.Sprint(g.num(2, 5)) + "일간 " + city + " 출장 예정입니다.",
			"항공편과 숙소는 총무팀에서 예약해 주셨습니다.",
			"출장 중에는 메일 확인이 늦을 수 있습니다.",
			"출장비 영수증을 정리해서 첨부합니다.",
			"현지 고객사 미팅 결과는 보고서에 정리했습니다.",
			"급한 일은 " + g.koName() + " " + g.pick(koTitles) + "에게 연락 주세요.",
		}, 2, 5)
	default:
		subj = g.pick([]string{"휴가 신청합니다 (" + g.koDate() + ")", "연차 사용 승인 요청", "반차 신청", "여름 휴가 일정 공유"})
		body = g.some([]string{
			g.koDate() + " 연차를 사용하고자 합니다.",
			"업무 인수인계는 " + g.koName() + " " + g.pick(koTitles) + "께 해 두었습니다.",
			"휴가 중 급한 건은 휴대폰으로 연락 주세요.",
			"결재 부탁드립니다.",
			"팀 일정과 겹치지 않도록 조정했습니다.",
		}, 2, 4)
	}
	greet := g.pick([]string{"안녕하세요.", "안녕하세요, " + co.name + " " + from.name + "입니다.", g.pick(koTitles) + "님, 안녕하세요.", "수고 많으십니다."})
	closing := g.pick([]string{"감사합니다.", "감사합니다.\n" + from.name + " 드림", "좋은 하루 보내세요.", "확인 부탁드립니다."})
	sig := from.name + " " + g.pick(koTitles) + " | " + co.name + " " + g.pick(koTeams) + "\nTel. 02-" + fmt.Sprint(g.num(100, 9999)) + "-" + fmt.Sprint(g.num(1000, 9999))
	return from, subj, join(append(append([]string{greet}, body...), closing, sig)...)
}

func (g *gen) koBusinessMail() *mail {
	from, subj, text := g.koBusiness()
	m := &mail{fromName: from.name, fromAddr: from.addr, subject: subj, text: text}
	g.hamLook(m, true)
	return m
}

// quote is text as a reply quotes it, after the attribution line.
func quote(attribution, text string) string {
	var b strings.Builder
	b.WriteString(attribution + "\n")
	for _, ln := range strings.Split(text, "\n") {
		if ln == "" {
			b.WriteString(">\n")
		} else {
			b.WriteString("> " + ln + "\n")
		}
	}
	return b.String()
}

func (g *gen) koReply() *mail {
	orig, subj, text := g.koBusiness()
	me := g.koPerson(ourDomain)
	if strings.HasSuffix(orig.addr, ourDomain) {
		me = g.koPerson(partners[g.r.IntN(7)].domain)
	}
	answer := g.some([]string{
		"네, 확인했습니다.",
		"검토 후 회신드리겠습니다.",
		"말씀하신 일정으로 진행하겠습니다.",
		"첨부 파일이 누락된 것 같습니다. 다시 보내 주시겠어요?",
		"금액은 내부 결재 후 확정해서 알려드리겠습니다.",
		"입금 완료했습니다. 계좌 확인 부탁드립니다.",
		"회의 시간을 한 시간 늦출 수 있을까요?",
		"좋습니다. 그렇게 하시죠.",
		"담당자를 참조로 넣었습니다.",
	}, 1, 3)
	prefix := g.pick([]string{"Re: ", "RE: ", "회신: ", "답장: "})
	att := fmt.Sprintf("2026년 %s, %s <%s>님이 작성:", g.koDate(), orig.name, orig.addr)
	body := join(append(answer, me.name+" 드림", quote(att, text))...)
	m := &mail{fromName: me.name, fromAddr: me.addr, subject: prefix + subj, text: body,
		extra: [][2]string{{"In-Reply-To", fmt.Sprintf("<%08x@%s>", g.r.Uint32(), orig.addr[strings.IndexByte(orig.addr, '@')+1:])}}}
	g.hamLook(m, true)
	return m
}

func (g *gen) koForward() *mail {
	orig, subj, text := g.koBusiness()
	me := g.koPerson(ourDomain)
	note := g.pick([]string{"참고하세요.", "아래 건 확인 부탁드립니다.", "이 건 담당해 주시겠어요?", "전달합니다. 내일까지 회신 부탁해요."})
	body := join(note, "---------- 전달된 메시지 ----------\n보낸사람: "+orig.name+" <"+orig.addr+">\n제목: "+subj, text)
	m := &mail{fromName: me.name, fromAddr: me.addr, subject: g.pick([]string{"Fwd: ", "FW: ", "전달: "}) + subj, text: body}
	g.hamLook(m, true)
	return m
}

type letter struct{ name, domain, topic string }

var koLetters = []letter{
	{"IT 트렌드 위클리", "news.itweekly.example", "it"},
	{"소상공인 정책 소식", "letter.bizpolicy.example", "policy"},
	{"책방 한모금", "mail.hanmogeum-books.example", "books"},
	{"HR 인사이트", "hrinsight.example", "hr"},
	{"오피스몰", "shop.officemall.example", "shop"},
}

func (g *gen) koNewsletter() *mail {
	l := koLetters[g.r.IntN(len(koLetters))]
	no := g.num(40, 260)
	var subj string
	var body []string
	switch l.topic {
	case "it":
		subj = fmt.Sprintf("[%s %d호] %s", l.name, no, g.pick([]string{"클라우드 비용 줄이는 법", "생성형 AI 도입 사례", "보안 사고 대응 체크리스트", "개발자 채용 트렌드"}))
		body = g.some([]string{
			"이번 호에서는 중소기업의 클라우드 전환 사례를 소개합니다.",
			"무료 웨비나 신청을 받고 있습니다: " + g.link(l.domain),
			"지난주 가장 많이 읽힌 기사를 모았습니다.",
			"보안 업데이트를 미루면 계정 탈취 위험이 커집니다.",
			"구독자 설문에 참여하시면 추첨을 통해 커피 쿠폰을 드립니다.",
			"기사 전문 보기: " + g.link(l.domain),
		}, 3, 5)
	case "policy":
		subj = fmt.Sprintf("%s - %s", l.name, g.pick([]string{"정책자금 신청 일정", "무료 세무 상담 안내", "고용지원금 변경 사항", "이번 달 지원사업 모음"}))
		body = g.some([]string{
			"소상공인 정책자금 " + g.koDate() + " 접수가 시작됩니다.",
			"무료 세무 상담은 사전 예약제로 운영됩니다.",
			"저금리 대출 지원 대상이 확대되었습니다. 자세한 내용은 공고문을 확인하세요.",
			"신청은 공식 누리집에서만 가능하며 전화로 계좌 정보를 묻지 않습니다.",
			"공고문 보기: " + g.link(l.domain),
			"지역별 설명회 일정을 안내드립니다.",
		}, 3, 5)
	case "books":
		subj = fmt.Sprintf("%s 소식: %s", l.name, g.pick([]string{"이달의 추천 도서", "작가와의 만남 초대", "회원 무료배송 주간", "신간 안내"}))
		body = g.some([]string{
			"이달의 추천 도서 " + fmt.Sprint(g.num(3, 8)) + "권을 소개합니다.",
			"회원님께는 이번 주 무료배송 혜택을 드립니다.",
			"작가와의 만남은 " + g.koDate() + " 저녁 7시, 선착순 " + fmt.Sprint(g.num(20, 60)) + "명입니다.",
			"적립금은 " + g.koDate() + "에 소멸 예정입니다.",
			"책 보러 가기: " + g.link(l.domain),
		}, 2, 4)
	case "hr":
		subj = fmt.Sprintf("[%s] %s", l.name, g.pick([]string{"연차 관리 실무 가이드", "채용 면접 질문 모음", "무료 노무 세미나 초대", "급여 계좌 변경 처리 팁"}))
		body = g.some([]string{
			"인사 담당자가 꼭 알아야 할 이번 달 법 개정 사항입니다.",
			"무료 노무 세미나에 초대합니다. 신청: " + g.link(l.domain),
			"직원 급여 계좌 변경 요청은 반드시 본인 확인 후 처리하세요.",
			"연차 촉진 제도 운영 방법을 정리했습니다.",
			"전체 글 읽기: " + g.link(l.domain),
		}, 2, 4)
	default:
		subj = fmt.Sprintf("[%s] %s", l.name, g.pick([]string{"복사용지 " + fmt.Sprint(g.num(10, 40)) + "% 할인", "회원 전용 쿠폰 도착", "무료배송 이벤트", "주문하신 상품이 출고되었습니다"}))
		body = g.some([]string{
			"사무용품 정기 구매 고객님께 할인 쿠폰을 드립니다.",
			"5만원 이상 구매 시 무료배송.",
			"쿠폰은 " + g.koDate() + "까지 사용 가능합니다.",
			"주문번호 " + fmt.Sprint(g.num(20260000, 20269999)) + " 상품이 출고되었습니다. 배송 조회: " + g.link(l.domain),
			"이벤트 보러 가기: " + g.link(l.domain),
			"법인 카드와 계좌이체 결제를 지원합니다.",
		}, 2, 5)
	}
	foot := g.pick([]string{
		"본 메일은 " + g.koDate() + " 기준 수신에 동의하신 분께 발송되었습니다. 수신거부: " + g.link(l.domain),
		"더 이상 받지 않으시려면 구독 해지를 눌러 주세요. " + g.link(l.domain),
		"구독 설정 변경: " + g.link(l.domain),
	})
	if l.topic == "shop" && g.chance(0.6) {
		subj = "(광고) " + subj
	}
	m := &mail{fromName: l.name, fromAddr: g.pick([]string{"newsletter", "news", "no-reply"}) + "@" + l.domain, subject: subj,
		text:  join(append(append([]string{"안녕하세요, " + l.name + "입니다."}, body...), foot)...),
		extra: [][2]string{{"List-Unsubscribe", "<" + g.link(l.domain) + ">"}, {"List-Id", "<" + l.topic + "." + l.domain + ">"}}}
	g.hamLook(m, true)
	m.html = !g.chance(0.3)
	return m
}

func (g *gen) koAnnouncement() *mail {
	from := g.koPerson(ourDomain)
	team := g.pick([]string{"인사팀", "총무팀", "정보보안팀", "경영지원팀"})
	subj := "[공지] " + g.pick([]string{
		"정기 건강검진 일정 안내",
		"사내 메일 비밀번호 변경 안내",
		g.koDate() + " 전사 워크숍",
		"급여 계좌 변경 신청 마감",
		"사무실 네트워크 점검 안내",
		"개인정보 보호 교육 이수 요청",
		"연말정산 서류 제출 안내",
	})
	body := g.some([]string{
		"전 직원은 " + g.koDate() + "까지 신청해 주시기 바랍니다.",
		"보안 정책에 따라 " + fmt.Sprint(g.num(60, 90)) + "일마다 비밀번호를 변경해야 합니다. 사내 포털에서 직접 변경하세요.",
		"정보보안팀은 메일로 비밀번호를 묻지 않습니다. 의심스러운 메일은 신고해 주세요.",
		"급여 계좌를 변경하실 분은 신청서를 " + team + "으로 제출해 주세요.",
		"점검 시간에는 메일과 VPN 접속이 일시 중단됩니다.",
		"건강검진 비용은 회사에서 전액 지원합니다.",
		"교육은 온라인으로 30분이면 이수할 수 있습니다.",
		"문의는 내선 " + fmt.Sprint(g.num(200, 899)) + "번으로 해 주세요.",
		"사내 포털: https://portal." + ourDomain + "/notice/" + fmt.Sprint(g.num(100, 999)),
	}, 2, 5)
	m := &mail{fromName: from.name, fromAddr: from.addr, subject: subj,
		text: join(append(append([]string{"임직원 여러분, " + team + "입니다."}, body...), team+" 드림")...)}
	g.hamLook(m, true)
	m.to = "all@" + ourDomain
	return m
}

// koColdInquiry is a first message from someone never seen before, often
// from free mail: legit, and nothing in its sender is known.
func (g *gen) koColdInquiry() *mail {
	from := g.koPerson(g.pick([]string{freemail, g.spamDomain()}))
	subj := g.pick([]string{"제품 문의드립니다", "견적 요청", "협업 제안드립니다", "채용 공고 관련 문의", "납품 가능 여부 문의"})
	body := g.some([]string{
		"홈페이지를 보고 연락드립니다.",
		"귀사 제품을 " + fmt.Sprint(g.num(10, 500)) + "개 정도 구매하려고 합니다. 견적을 받을 수 있을까요?",
		"샘플을 무료로 받아 볼 수 있는지 궁금합니다.",
		"담당자분 연락처를 알려 주시면 감사하겠습니다.",
		"저희는 " + g.pick([]string{"인천", "수원", "대전"}) + "에서 작은 제조업체를 운영하고 있습니다.",
		"가능하시면 이번 주 중에 통화하고 싶습니다. " + g.phone(),
	}, 2, 4)
	m := &mail{fromName: from.name, fromAddr: from.addr, subject: subj,
		text: join(append(append([]string{"안녕하세요."}, body...), "감사합니다.\n"+from.name+" 드림")...)}
	g.hamLook(m, true)
	return m
}

func (g *gen) enBusiness() (from person, subject, text string) {
	co := partners[7+g.r.IntN(len(partners)-7)]
	from = g.enPerson(co.domain)
	ref := fmt.Sprintf("PO-%d", g.num(1000, 9999))
	var subj string
	var body []string
	switch g.r.IntN(4) {
	case 0:
		subj = g.pick([]string{"Quotation for " + ref, "Updated price list", "Request for quotation"})
		body = g.some([]string{
			"Please find attached our quotation for " + ref + ".",
			"Unit prices are valid until " + g.enDate() + ".",
			"Lead time is " + fmt.Sprint(g.num(2, 8)) + " weeks after order confirmation.",
			"Shipping is free for orders above USD " + fmt.Sprint(g.num(5, 20)) + ",000.",
			"Let me know if you need a different quantity.",
		}, 2, 4)
	case 1:
		subj = g.pick([]string{"Invoice " + ref, "Payment reminder for " + ref, "Bank account details for payment"})
		body = g.some([]string{
			"Attached is the invoice for " + ref + ", due on " + g.enDate() + ".",
			"Please transfer the payment to our usual bank account; the details have not changed.",
			"If our bank details ever change we will call you first; please do not act on emails alone.",
			"We received your transfer, thank you.",
			"The amount is USD " + commas(g.num(1200, 90000)) + ".",
		}, 2, 4)
	case 2:
		subj = g.pick([]string{"Meeting on " + g.enDate(), "Agenda for our call", "Visit to Seoul next month"})
		body = g.some([]string{
			"Could we schedule a call on " + g.enDate() + " at " + fmt.Sprint(g.num(8, 11)) + " am Seoul time?",
			"I have attached the agenda and last quarter's figures.",
			"Our team will visit Seoul from " + g.enDate() + "; it would be great to meet in person.",
			"Please let me know who from your side will join.",
			"Here is the video link: https://meet." + co.domain + "/" + fmt.Sprint(g.num(100, 999)),
		}, 2, 4)
	default:
		subj = g.pick([]string{"Shipment of " + ref, "Contract renewal", "Delivery schedule update"})
		body = g.some([]string{
			"The goods for " + ref + " left our warehouse today.",
			"Tracking: https://track." + co.domain + "/" + fmt.Sprint(g.num(10000, 99999)),
			"The draft renewal contract is attached for your review.",
			"We would like to keep the same terms as last year.",
			"There is a delay of " + fmt.Sprint(g.num(2, 9)) + " days at customs; we will keep you posted.",
		}, 2, 4)
	}
	// Everyday lines any correspondent writes, so that the English
	// function words ("can", "send", "our company") are not learned
	// from spam alone.
	body = append(body, g.some([]string{
		"Can you send me the updated schedule when you have it?",
		"Our company will be closed on " + g.enDate() + " for a public holiday.",
		"I can send the samples next week if that helps.",
		"Let me know if you have any questions.",
		"Thank you for your quick reply.",
		"As discussed on the phone, we will go ahead with the second option.",
		"Could we move the call to " + g.pick([]string{"Monday", "Tuesday", "Thursday", "Friday"}) + "?",
		"I have copied my colleague " + g.pick(enFirst) + ", who will handle this from now on.",
		"The samples arrived in good condition.",
		"We can offer a " + fmt.Sprint(g.num(3, 8)) + "% discount for repeat orders.",
		"Sorry for the late answer; I was out of the office.",
		"Please send us your company registration certificate for our records.",
		"We are happy with the results so far and would like to continue.",
		"I will be in Seoul in " + g.pick([]string{"April", "May", "June"}) + " and would be glad to visit your office.",
	}, 0, 3)...)
	greet := g.pick([]string{"Hi " + g.pick(enFirst) + ",", "Dear Mr. " + g.pick([]string{"Kim", "Lee", "Park"}) + ",", "Hello,"})
	return from, subj, join(append(append([]string{greet}, body...), g.pick([]string{"Best regards,", "Kind regards,", "Thanks,"})+"\n"+from.name+"\n"+co.name)...)
}

func (g *gen) enBusinessMail() *mail {
	from, subj, text := g.enBusiness()
	m := &mail{fromName: from.name, fromAddr: from.addr, subject: subj, text: text}
	g.hamLook(m, false)
	return m
}

func (g *gen) enReply() *mail {
	orig, subj, text := g.enBusiness()
	me := g.koPerson(ourDomain)
	answer := g.some([]string{
		"Thank you, we will review it and come back to you.",
		"Confirmed. Please go ahead.",
		"Could you resend the attachment? It seems to be missing.",
		"The payment was made yesterday; please check your account.",
		"That date works for us.",
	}, 1, 2)
	att := fmt.Sprintf("On %s, %s <%s> wrote:", g.enDate(), orig.name, orig.addr)
	m := &mail{fromName: me.name, fromAddr: me.addr, subject: "Re: " + subj,
		text: join(append(answer, "Best regards,\n"+me.name, quote(att, text))...)}
	g.hamLook(m, false)
	return m
}

var enLetters = []letter{
	{"Cloud Ops Digest", "digest.cloudops.example", "cloud"},
	{"Design Weekly", "designweekly.example", "design"},
}

func (g *gen) enNewsletter() *mail {
	l := enLetters[g.r.IntN(len(enLetters))]
	subj := fmt.Sprintf("%s #%d: %s", l.name, g.num(50, 300), g.pick([]string{
		"free webinar on cost control", "what changed this month", "your account summary", "five tools we liked", "limited seats for our free workshop"}))
	body := g.some([]string{
		"This week: how small teams cut their cloud bill by a third.",
		"Join our free webinar on " + g.enDate() + ". Register: " + g.link(l.domain),
		"Your account summary: " + fmt.Sprint(g.num(2, 40)) + " saved articles.",
		"Read the full story: " + g.link(l.domain),
		"Seats are limited, so register early.",
		"We never ask for your password by email.",
	}, 3, 5)
	m := &mail{fromName: l.name, fromAddr: "hello@" + l.domain, subject: subj,
		text:  join(append(append([]string{"Hi,"}, body...), "You are receiving this because you subscribed. Unsubscribe: "+g.link(l.domain))...),
		extra: [][2]string{{"List-Unsubscribe", "<" + g.link(l.domain) + ">"}}}
	g.hamLook(m, false)
	m.html = true
	return m
}

func (g *gen) hamLook(m *mail, korean bool) {
	m.to = addrLine(g.us())
	g.encoding(m, korean, 0.05)
}
