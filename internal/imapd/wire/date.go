package wire

import (
	"strings"
	"time"
)

var months = [...]string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}

func (p *parser) month() (time.Month, error) {
	if p.pos+3 <= len(p.line) {
		m := strings.ToUpper(string(p.line[p.pos : p.pos+3]))
		for i, name := range months {
			if m == name {
				p.pos += 3
				return time.Month(i + 1), nil
			}
		}
	}
	return 0, p.unexpected("month (Jan..Dec)")
}

// digits reads between min and max decimal digits.
func (p *parser) digits(min, max int, what string) (int, error) {
	n, count := 0, 0
	for count < max && p.peek() >= '0' && p.peek() <= '9' {
		n = n*10 + int(p.peek()-'0')
		p.pos++
		count++
	}
	if count < min {
		return 0, p.unexpected(what)
	}
	return n, nil
}

// date reads a search date (RFC 9051 §9: date = date-text / DQUOTE
// date-text DQUOTE), e.g. 1-Feb-1994. Only the calendar date counts (RFC
// 9051 §6.4.4: "disregarding time and timezone"); it is returned as
// midnight UTC.
func (p *parser) date() (time.Time, error) {
	quoted := p.peek() == '"'
	if quoted {
		p.pos++
	}
	day, err := p.digits(1, 2, "day")
	if err != nil {
		return time.Time{}, err
	}
	if err := p.expect('-', "'-' in date"); err != nil {
		return time.Time{}, err
	}
	mon, err := p.month()
	if err != nil {
		return time.Time{}, err
	}
	if err := p.expect('-', "'-' in date"); err != nil {
		return time.Time{}, err
	}
	year, err := p.digits(4, 4, "year")
	if err != nil {
		return time.Time{}, err
	}
	if quoted {
		if err := p.expect('"', "closing quote of date"); err != nil {
			return time.Time{}, err
		}
	}
	t := time.Date(year, mon, day, 0, 0, 0, 0, time.UTC)
	if t.Day() != day {
		return time.Time{}, bad("no such date: %d-%s-%d", day, mon.String()[:3], year)
	}
	return t, nil
}

// dateTime reads an APPEND date-time (RFC 9051 §9):
// DQUOTE date-day-fixed "-" date-month "-" date-year SP time SP zone DQUOTE,
// e.g. "17-Jul-1996 02:44:25 -0700".
func (p *parser) dateTime() (time.Time, error) {
	if err := p.expect('"', "date-time"); err != nil {
		return time.Time{}, err
	}
	if p.peek() == ' ' { // date-day-fixed = (SP DIGIT) / 2DIGIT
		p.pos++
	}
	day, err := p.digits(1, 2, "day")
	if err != nil {
		return time.Time{}, err
	}
	if err := p.expect('-', "'-' in date-time"); err != nil {
		return time.Time{}, err
	}
	mon, err := p.month()
	if err != nil {
		return time.Time{}, err
	}
	if err := p.expect('-', "'-' in date-time"); err != nil {
		return time.Time{}, err
	}
	year, err := p.digits(4, 4, "year")
	if err != nil {
		return time.Time{}, err
	}
	var hms [3]int
	for i := range hms {
		sep := byte(':')
		if i == 0 {
			sep = ' '
		}
		if err := p.expect(sep, "time"); err != nil {
			return time.Time{}, err
		}
		if hms[i], err = p.digits(2, 2, "time"); err != nil {
			return time.Time{}, err
		}
	}
	if err := p.sp(); err != nil {
		return time.Time{}, err
	}
	sign := 1
	switch p.peek() {
	case '+':
	case '-':
		sign = -1
	default:
		return time.Time{}, p.unexpected("time zone (+hhmm or -hhmm)")
	}
	p.pos++
	zone, err := p.digits(4, 4, "time zone")
	if err != nil {
		return time.Time{}, err
	}
	if err := p.expect('"', "closing quote of date-time"); err != nil {
		return time.Time{}, err
	}
	if hms[0] > 23 || hms[1] > 59 || hms[2] > 60 || zone%100 > 59 {
		return time.Time{}, bad("invalid time in date-time")
	}
	offset := sign * ((zone/100)*3600 + (zone%100)*60)
	t := time.Date(year, mon, day, hms[0], hms[1], hms[2], 0, time.FixedZone("", offset))
	if t.Day() != day {
		return time.Time{}, bad("no such date: %d-%s-%d", day, mon.String()[:3], year)
	}
	return t, nil
}
