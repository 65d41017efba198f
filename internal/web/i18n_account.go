package web

// accountMessages are the error texts of Settings > Folder management,
// Mail server information and Access log, kept beside their handlers
// and merged into messages (i18n.go) at start.
var accountMessages = map[string]map[string]string{
	"ko": {
		"invalid_export_format": "백업 형식은 zip 또는 mbox입니다.",
		"invalid_purge":         "삭제할 기간(1, 3, 6, 12개월)이나 전체를 고르세요.",
		"invalid_pop3_delete":   "POP3 삭제 방식은 보관(keep), 휴지통(trash), 삭제(delete) 중 하나입니다.",
	},
	"en": {
		"invalid_export_format": "The backup format is zip or mbox.",
		"invalid_purge":         "Choose a period (1, 3, 6 or 12 months) or all mail.",
		"invalid_pop3_delete":   "The POP3 delete behaviour is keep, trash or delete.",
	},
}

func init() {
	for lang, m := range accountMessages {
		for code, text := range m {
			if _, ok := messages[lang][code]; ok {
				continue // i18n.go's own text wins
			}
			messages[lang][code] = text
		}
	}
}
