package loadgen

// The corpus's vocabulary: office mail of a Korean company that also
// writes to foreign partners. Every Korean syllable here is one of KS X
// 1001's 2,350, so each text encodes in EUC-KR (corpus_test checks it).

var koreanSubjects = []string{
	"견적서 송부드립니다",
	"다음 주 회의 일정 안내",
	"계약서 검토 요청",
	"월간 보고서 제출",
	"출장 결과 보고",
	"신규 거래처 등록 요청",
	"세금계산서 발행 확인 부탁드립니다",
	"제품 사양 문의",
	"납품 일정 변경 안내",
	"인사 발령 공지",
	"보안 교육 참석 안내",
	"프로젝트 진행 현황 공유",
	"회의록 공유드립니다",
	"휴가 신청서 제출",
	"예산 집행 내역 확인",
}

var englishSubjects = []string{
	"Quotation for the Q4 order",
	"Meeting schedule for next week",
	"Contract review request",
	"Monthly report",
	"Invoice attached",
	"Product specification question",
	"Delivery schedule update",
	"Minutes of the project meeting",
	"Shipping documents",
	"Follow-up on our call",
	"Price list for 2027",
	"Security training reminder",
}

// SearchWords are words that subjects of the corpus contain (Korean and
// English): what the mixed IMAP load searches for.
var SearchWords = []string{"견적서", "meeting", "회의", "invoice", "보고서", "schedule"}

var koreanSentences = []string{
	"안녕하세요, 영업팀 김민수입니다.",
	"요청하신 견적서를 첨부하여 보내드립니다.",
	"검토하신 후 회신 부탁드립니다.",
	"다음 주 화요일 오후 두 시에 회의실에서 뵙겠습니다.",
	"일정에 변경이 있으면 미리 알려 주시기 바랍니다.",
	"계약 조건 중 납품 기한과 대금 지급 방법을 확인해 주십시오.",
	"지난달 매출은 전년 동기 대비 십이 퍼센트 증가하였습니다.",
	"첨부 파일의 내용을 참고하시기 바랍니다.",
	"문의 사항이 있으시면 언제든지 연락 주십시오.",
	"협조해 주셔서 감사합니다.",
	"프로젝트 진행 상황을 아래와 같이 공유드립니다.",
	"품질 검사 결과 이상이 없음을 확인하였습니다.",
	"출장 기간 동안 현지 거래처 세 곳을 방문하였습니다.",
	"예산 집행 내역은 재무팀에 제출해 주시기 바랍니다.",
	"회의록은 공유 폴더에 올려 두었습니다.",
	"보안 정책에 따라 비밀번호를 정기적으로 변경해 주십시오.",
	"고객 요청에 따라 제품 사양 일부를 수정하였습니다.",
	"좋은 하루 보내세요.",
	"감사합니다. 김민수 드림",
	"서울특별시 강남구 테헤란로 123, 전화 02-555-1234",
}

var englishSentences = []string{
	"Hello, this is Minsu Kim from the sales team.",
	"Please find attached the quotation you asked for.",
	"We would appreciate your reply by the end of the week.",
	"The meeting will take place on Tuesday at 2 pm in the main conference room.",
	"Please let us know in advance if the schedule changes.",
	"Could you confirm the delivery date and the payment terms of the contract?",
	"Sales last month grew by twelve percent over the same month last year.",
	"The inspection found no defects in the sampled units.",
	"During the trip we visited three of our local partners.",
	"The minutes are in the shared folder.",
	"If you have any questions, do not hesitate to contact me.",
	"Thank you for your cooperation.",
	"Best regards, Minsu Kim",
	"We have updated the specification following the customer's request.",
	"The invoice will be issued once the goods have been received.",
	"Our office is closed on public holidays; urgent matters go to the duty manager.",
}

var koreanNames = []string{"김민수", "이서연", "박지훈", "최수아", "정우진", "강하은", "윤도현", "장서윤"}
var englishNames = []string{"John Smith", "Emma Brown", "David Lee", "Sarah Miller", "Michael Chen", "Laura Davis"}

var attachmentNames = []string{"견적서_2026.pdf", "계약서(최종).docx", "월간보고서.xlsx", "quotation.pdf", "photo_001.jpg", "회의록.hwp"}
var attachmentTypes = map[string]string{
	".pdf": "application/pdf", ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".jpg": "image/jpeg",
	".hwp": "application/x-hwp",
}
