package web

import (
	"net/http"
	"strings"
)

// messages are the API's error texts in the user's language (X2), by code.
var messages = map[string]map[string]string{
	"ko": {
		"invalid_credentials": "메일 주소 또는 비밀번호가 올바르지 않습니다.",
		"suspended":           "사용이 중지된 계정입니다. 메일 관리자에게 문의하세요.",
		"too_many_failures":   "로그인 실패가 너무 많아 지금은 로그인할 수 없습니다. 잠시 후 다시 시도하거나 평소 접속하던 곳에서 로그인하세요.",
		"busy":                "로그인 요청이 몰려 있습니다. 몇 초 후 다시 시도하세요.",
		"access_denied":       "접속 허용 규칙에 따라 지금 이곳에서는 접속할 수 없습니다. 메일 관리자에게 문의하세요.",
		"unauthenticated":     "로그인이 필요합니다.",
		"csrf":                "보안 토큰이 없거나 올바르지 않습니다. 페이지를 새로 고친 후 다시 시도하세요.",
		"not_found":           "찾을 수 없습니다.",
		"no_request":          "이 메일에 보낼 읽음 확인이 없습니다(이미 답했거나 보낼 수 없는 메일).",
		"exists":              "같은 이름의 메일함이 이미 있습니다.",
		"protected":           "기본 메일함은 삭제하거나 이름을 바꿀 수 없습니다.",
		"has_children":        "하위 메일함이 있는 메일함은 삭제할 수 없습니다. 하위 메일함을 먼저 삭제하세요.",
		"invalid":             "입력한 값이 올바르지 않습니다.",
		"bad_request":         "요청 형식이 올바르지 않습니다.",
		"over_quota":          "메일함 용량이 가득 찼습니다.",
		"unknown_action":      "알 수 없는 작업입니다.",
		"internal":            "일시적인 오류가 발생했습니다. 잠시 후 다시 시도하세요.",
		// What a client may send and hold (decode.go, events.go).
		"cross_origin":           "다른 사이트에서 보낸 요청은 처리하지 않습니다. 웹메일 주소로 직접 접속하세요.",
		"unsupported_media_type": "요청 본문은 JSON(application/json)이어야 합니다.",
		"request_timeout":        "요청이 제시간에 도착하지 않았습니다. 다시 시도하세요.",
		"too_many_streams":       "메일 화면이 너무 많이 열려 있습니다. 쓰지 않는 창이나 탭을 닫으세요.",
		"storage_full":           "서버의 저장 공간이 부족해 저장하지 못했습니다. 메일 관리자에게 알려 주세요.",
		// Writing mail (send.go, drafts.go, uploads.go).
		"header_injection":     "제목이나 주소에는 줄바꿈을 넣을 수 없습니다.",
		"invalid_address":      "올바른 메일 주소가 아닙니다.",
		"invalid_characters":   "사용할 수 없는 문자가 들어 있습니다.",
		"too_long":             "제목이 너무 깁니다.",
		"no_recipients":        "받는 사람을 한 명 이상 입력하세요.",
		"too_many_recipients":  "받는 사람이 너무 많습니다.",
		"unknown_recipient":    "없는 사용자입니다. 주소를 확인하세요.",
		"recipient_disabled":   "사용이 중지된 계정이라 메일을 받을 수 없습니다.",
		"recipient_over_quota": "받는 사람의 메일함 용량이 가득 찼습니다.",
		"too_large":            "크기가 너무 큽니다. 최대 %s까지 보낼 수 있습니다.",
		"invalid_send_at":      "예약 시간이 올바르지 않습니다. 지금부터 1년 안의 시간을 고르세요.",
		"already_sent":         "이미 발송되어 취소할 수 없습니다.",
		"already_cancelled":    "이미 취소되어 임시보관함에 있습니다.",
		"send_failed":          "메일을 보내지 못했습니다.",
		// The consoles (operator_*.go): the admin service's reasons.
		"forbidden":          "이 작업을 할 권한이 없습니다.",
		"tls_required":       "암호화되지 않은 연결에서는 로그인할 수 없습니다. https 주소로 접속하세요.",
		"invalid_domain":     "올바른 도메인 이름이 아닙니다. (예: example.co.kr)",
		"domain_exists":      "이미 있는 도메인입니다.",
		"domain_not_hosted":  "이 서버에 없는 도메인입니다.",
		"account_exists":     "이미 있는 메일 주소입니다.",
		"wrong_domain":       "이 도메인의 주소가 아닙니다.",
		"password_required":  "비밀번호를 입력하세요.",
		"password_too_short": "비밀번호가 너무 짧습니다. 8자 이상이어야 하며, 보안 설정에서 복잡성 단계를 정했다면 그 길이(1단계 8자, 2단계 10자, 3단계 12자) 이상이어야 합니다.",
		"invalid_quota":      "용량은 0(무제한) 이상이어야 합니다.",
		"name_too_long":      "이름이 너무 깁니다.",
		// The operator's terms of a domain (operator_domain_change.go).
		"user_limit":                "이 도메인의 최대 사용자 수에 도달해 계정을 더 만들 수 없습니다. 시스템 운영자에게 문의하세요.",
		"invalid_max_users":         "최대 사용자 수는 0(무제한) 이상이어야 합니다.",
		"invalid_messages_per_hour": "시간당 발송 한도는 0(서버 기본값), -1(무제한) 또는 양수여야 합니다.",
		// The hourly sending limit (send_limit.go): the limit, the minutes to wait.
		"hourly_limit":      "시간당 발송 한도(%d통)에 도달했습니다. %d분 후에 다시 보내세요.",
		"invalid_language":  "언어는 한국어(ko) 또는 영어(en) 중에서 고르세요.",
		"invalid_time_zone": "올바른 시간대가 아닙니다. (예: Asia/Seoul)",
		"confirm_mismatch":  "입력한 도메인 이름이 일치하지 않습니다. 삭제하지 않았습니다.",
		// The security page and its rules (admin_security*.go, M7–M12).
		"access_ip_not_allowed":       "허용된 IP 주소가 아니라서 웹메일에 접속할 수 없습니다. 메일 관리자에게 문의하세요.",
		"access_blocked":              "메일 관리자가 지금 모든 사용자의 웹메일 접속을 임시로 차단했습니다.",
		"access_outside_hours":        "지금은 웹메일 접속이 제한된 시간입니다. 허용된 시간에 다시 접속하세요.",
		"password_expired":            "비밀번호 변경 주기가 지났습니다. 비밀번호를 변경해야 계속 사용할 수 있습니다.",
		"password_letters_and_digits": "비밀번호에는 영문자와 숫자가 함께 들어가야 합니다.",
		"password_three_classes":      "비밀번호에는 영문 대문자, 영문 소문자, 숫자, 특수문자 중 세 가지 이상이 들어가야 합니다.",
		"password_contains_id":        "비밀번호에 아이디나 그 일부를 넣을 수 없습니다.",
		"password_too_long":           "비밀번호가 너무 깁니다.",
		"password_same_as_address":    "메일 주소를 비밀번호로 쓸 수 없습니다.",
		"invalid_network":             "올바른 IP 주소나 대역(CIDR)이 아닙니다. (예: 203.0.113.0/24)",
		"too_many_networks":           "허용 IP가 너무 많습니다. (최대 1,000개)",
		"invalid_time":                "시각은 00:00부터 23:59까지 HH:MM 형식으로 입력하세요.",
		"invalid_minutes":             "자동 로그아웃 시간은 0(사용 안 함)부터 1440분 사이여야 합니다.",
		"invalid_level":               "비밀번호 복잡성은 1, 2, 3 단계 중에서 고르세요.",
		"invalid_days":                "일 수가 올바르지 않습니다. (0 이상 3650 이하, 로그인 이력 감시는 1일 이상)",
		"invalid_class":               "IP 체크 범위는 A, B, C Class 중에서 고르세요.",
		"last_admin":                  "도메인의 마지막 관리자는 자신의 관리자 권한을 해제할 수 없습니다. 다른 관리자를 먼저 지정하세요.",
		"address_taken_by_list":       "같은 주소의 메일링 리스트가 있습니다. 다른 주소를 쓰세요.",
		"invalid_recovery_email":      "복구 Email 주소가 올바르지 않습니다.",
		"recovery_is_own_address":     "복구 Email은 그 사용자의 메일 주소가 아닌 다른 주소여야 합니다.",
	},
	"en": {
		"invalid_credentials": "The e-mail address or password is not correct.",
		"suspended":           "This account is suspended. Contact your mail administrator.",
		"too_many_failures":   "Too many failed logins: logging in is paused for now. Try again later, or log in from where you usually do.",
		"busy":                "Too many logins at once. Please try again in a few seconds.",
		"access_denied":       "Your organisation's access rules do not allow a login from here at this time. Contact your mail administrator.",
		"unauthenticated":     "Please log in.",
		"csrf":                "The security token is missing or wrong. Reload the page and try again.",
		"not_found":           "Not found.",
		"no_request":          "There is no read receipt to send for this message (already answered, or not allowed).",
		"exists":              "A folder with this name already exists.",
		"protected":           "Standard folders cannot be deleted or renamed.",
		"has_children":        "This folder has subfolders. Delete them first.",
		"invalid":             "The value entered is not valid.",
		"bad_request":         "The request is malformed.",
		"over_quota":          "The mailbox is full.",
		"unknown_action":      "Unknown action.",
		"internal":            "A temporary error occurred. Please try again shortly.",
		// What a client may send and hold (decode.go, events.go).
		"cross_origin":           "Requests sent from another site are refused. Open the webmail's address directly.",
		"unsupported_media_type": "The request body must be JSON (application/json).",
		"request_timeout":        "The request did not arrive in time. Please try again.",
		"too_many_streams":       "The webmail is open in too many windows or tabs. Close the ones you do not use.",
		"storage_full":           "The server is out of storage space and could not save this. Please tell your mail administrator.",
		// Writing mail (send.go, drafts.go, uploads.go).
		"header_injection":     "Line breaks are not allowed in a subject or an address.",
		"invalid_address":      "This is not a valid e-mail address.",
		"invalid_characters":   "It contains characters that are not allowed.",
		"too_long":             "The subject is too long.",
		"no_recipients":        "Enter at least one recipient.",
		"too_many_recipients":  "There are too many recipients.",
		"unknown_recipient":    "There is no such user here. Check the address.",
		"recipient_disabled":   "This account is suspended and cannot receive mail.",
		"recipient_over_quota": "The recipient's mailbox is full.",
		"too_large":            "Too large: at most %s can be sent.",
		"invalid_send_at":      "The scheduled time is not valid: choose a time within a year from now.",
		"already_sent":         "It has already been sent and cannot be cancelled.",
		"already_cancelled":    "It was cancelled already and is in Drafts.",
		"send_failed":          "The message could not be sent.",
		// The consoles (operator_*.go): the admin service's reasons.
		"forbidden":          "You are not allowed to do this.",
		"tls_required":       "Logging in over an unencrypted connection is not allowed. Use the https address.",
		"invalid_domain":     "This is not a valid domain name (e.g. example.com).",
		"domain_exists":      "This domain already exists.",
		"domain_not_hosted":  "This domain is not hosted on this server.",
		"account_exists":     "This address already exists.",
		"wrong_domain":       "This address is not in this domain.",
		"password_required":  "Enter a password.",
		"password_too_short": "The password is too short: at least 8 characters, or as many as the domain's password level asks (level 1: 8, level 2: 10, level 3: 12).",
		"invalid_quota":      "The quota must be 0 (unlimited) or more.",
		"name_too_long":      "The name is too long.",
		// The operator's terms of a domain (operator_domain_change.go).
		"user_limit":                "This domain has reached its maximum number of users: no more accounts can be created. Contact the system operator.",
		"invalid_max_users":         "The maximum number of users must be 0 (unlimited) or more.",
		"invalid_messages_per_hour": "The hourly sending limit must be 0 (the server's default), -1 (unlimited) or a positive number.",
		// The hourly sending limit (send_limit.go): the limit, the minutes to wait.
		"hourly_limit":      "You have reached your sending limit of %d messages per hour. Try again in %d minutes.",
		"invalid_language":  "Choose Korean (ko) or English (en).",
		"invalid_time_zone": "This is not a valid time zone (e.g. Asia/Seoul).",
		"confirm_mismatch":  "The domain name typed does not match. Nothing was deleted.",
		// The security page and its rules (admin_security*.go, M7–M12).
		"access_ip_not_allowed":       "The webmail cannot be used from this IP address. Contact your mail administrator.",
		"access_blocked":              "Your mail administrator has temporarily blocked the webmail for all users.",
		"access_outside_hours":        "The webmail cannot be used at this time of day. Try again during the allowed hours.",
		"password_expired":            "Your password is older than your organisation allows. Change it to go on.",
		"password_letters_and_digits": "The password must contain both letters and digits.",
		"password_three_classes":      "The password must contain three of: upper-case letters, lower-case letters, digits, symbols.",
		"password_contains_id":        "The password must not contain the user ID or a part of it.",
		"password_too_long":           "The password is too long.",
		"password_same_as_address":    "The e-mail address cannot be the password.",
		"invalid_network":             "This is not a valid IP address or network (CIDR), e.g. 203.0.113.0/24.",
		"too_many_networks":           "Too many allowed IP addresses (at most 1,000).",
		"invalid_time":                "Write times of day as HH:MM, from 00:00 to 23:59.",
		"invalid_minutes":             "The auto logout time is from 0 (off) to 1440 minutes.",
		"invalid_level":               "Choose password complexity level 1, 2 or 3.",
		"invalid_days":                "The number of days is not valid (0 to 3650; at least 1 for the login watch).",
		"invalid_class":               "Choose the IP range to check: class A, B or C.",
		"last_admin":                  "The last administrator of a domain cannot remove his own administrator rights. Make someone else an administrator first.",
		"address_taken_by_list":       "A mailing list has this address: choose another.",
		"invalid_recovery_email":      "The recovery e-mail address is not valid.",
		"recovery_is_own_address":     "The recovery e-mail must be another address than the user's own.",
	},
}

// language picks ko or en: the logged-in account's setting, else the
// browser's Accept-Language, else Korean (our users' language).
func language(r *http.Request) string {
	if sess := sessionOf(r); sess != nil && messages[sess.lang] != nil {
		return sess.lang
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		if strings.HasPrefix(tag, "ko") {
			return "ko"
		}
		if strings.HasPrefix(tag, "en") {
			return "en"
		}
	}
	return "ko"
}

func localized(r *http.Request, code string) string {
	if m := messages[language(r)][code]; m != "" {
		return m
	}
	return messages["en"][code]
}
