package auth

// The login watch (M12): when a webmail login comes from an address
// whose network (class A, B or C, as the domain set) the account did not
// log in from in the last N days, the domain's administrators get a
// warning mail, each in his language.
//
// Invariants:
//   - Only web logins the access rules admitted are watched (Sessions
//     calls WatchLogin); mail clients never are. Every successful login
//     of any protocol counts as a network used.
//   - Once per new network: the login that was warned about is in the
//     access log, so the next login from that network finds it used.
//   - The watch never refuses a login; its failures are logged.

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"time"

	"postroom/internal/compose"
	"postroom/internal/store"
)

// watchAddresses bounds the addresses of the access log the watch reads
// (distinct ones, the most recent first).
const watchAddresses = 10000

// classBits is how many leading bits a network class compares: IPv4's
// classes A, B, C and, for IPv6, the allocations of the same weight (a
// registry's /32, a site's /48, a subnet's /64).
func classBits(class string, ipv6 bool) int {
	bits := map[string][2]int{"A": {8, 32}, "B": {16, 48}, "C": {24, 64}}[class]
	if bits == [2]int{} {
		bits = [2]int{24, 64}
	}
	if ipv6 {
		return bits[1]
	}
	return bits[0]
}

// networkOf is the class network of ip.
func networkOf(ip net.IP, class string) (netip.Prefix, bool) {
	a, ok := netip.AddrFromSlice(ip)
	if !ok {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	p, err := a.Prefix(classBits(class, a.Is6()))
	return p, err == nil
}

// WatchLogin implements LoginWatcher.
func (p *Policies) WatchLogin(ctx context.Context, acct *store.Account, ip net.IP, before time.Time) {
	if err := p.watch(ctx, acct, ip, before); err != nil {
		p.log().Error("login watch", "account", acct.Address(), "err", err)
	}
}

func (p *Policies) watch(ctx context.Context, acct *store.Account, ip net.IP, before time.Time) error {
	sec, err := LoadSecurity(ctx, p.Store, acct.DomainID)
	if err != nil {
		return err
	}
	w := sec.LoginWatch
	if !w.Enabled || w.Days <= 0 {
		return nil
	}
	network, ok := networkOf(ip, w.Class)
	if !ok {
		return nil // no address to compare (not a TCP client)
	}
	used, err := p.Store.LoginAddressesBetween(ctx, acct.ID, before.AddDate(0, 0, -w.Days), before, watchAddresses)
	if err != nil {
		return fmt.Errorf("logins of %s: %w", acct.Address(), err)
	}
	for _, u := range used {
		if n, ok := networkOf(net.ParseIP(u), w.Class); ok && n == network {
			return nil
		}
	}
	return p.warn(ctx, acct, ip, network, w.Days, before)
}

// warn mails every enabled administrator of acct's domain.
func (p *Policies) warn(ctx context.Context, acct *store.Account, ip net.IP, network netip.Prefix, days int, at time.Time) error {
	if p.Mail == nil {
		p.log().Warn("login watch: a login from a new network, and no way to mail the administrators",
			"account", acct.Address(), "ip", ip.String())
		return nil
	}
	accounts, err := p.Store.Accounts(ctx, acct.DomainID)
	if err != nil {
		return fmt.Errorf("administrators of %s: %w", acct.Domain, err)
	}
	sent := 0
	for i := range accounts {
		adm := &accounts[i]
		if !adm.Admin || !adm.Enabled {
			continue
		}
		raw, err := watchMessage(adm, acct, ip, network, days, at)
		if err != nil {
			return fmt.Errorf("login watch mail to %s: %w", adm.Address(), err)
		}
		if err := p.Mail(ctx, adm.Address(), raw); err != nil {
			return fmt.Errorf("login watch mail to %s: %w", adm.Address(), err)
		}
		sent++
	}
	p.log().Info("login watch: a login from a new network", "account", acct.Address(), "ip", ip.String(),
		"network", network.String(), "administrators", sent)
	return nil
}

// watchMessage is the warning to the administrator adm, in his language
// and time zone, from the domain's postmaster.
func watchMessage(adm, acct *store.Account, ip net.IP, network netip.Prefix, days int, at time.Time) ([]byte, error) {
	loc, err := time.LoadLocation(adm.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	when := at.In(loc).Format("2006-01-02 15:04 MST")
	subject := "[Postroom] 새 네트워크에서 로그인: " + acct.Address()
	text := fmt.Sprintf("%s 계정이 최근 %d일 동안 쓰지 않은 네트워크에서 웹메일에 로그인했습니다.\r\n\r\n"+
		"IP 주소: %s (네트워크 %s)\r\n시각: %s\r\n\r\n"+
		"본인의 로그인이 아니라면 Managements > 사용자 관리에서 계정의 비밀번호를 바꾸거나 사용을 중지하세요.\r\n"+
		"이 알림은 Managements > 보안 설정의 로그인 이력 감시가 보냅니다.\r\n",
		acct.Address(), days, ip, network, when)
	if adm.Language == "en" {
		subject = "[Postroom] Login from a new network: " + acct.Address()
		text = fmt.Sprintf("%s logged in to the webmail from a network it has not used in the last %d days.\r\n\r\n"+
			"IP address: %s (network %s)\r\nTime: %s\r\n\r\n"+
			"If this was not its owner, change the account's password or suspend it in Managements > Users.\r\n"+
			"This warning comes from the login watch in Managements > Security.\r\n",
			acct.Address(), days, ip, network, when)
	}
	m, err := compose.Build(&compose.Draft{From: store.Address{Name: "Postroom", Addr: "postmaster@" + acct.Domain},
		To: []store.Address{{Addr: adm.Address()}}, Subject: subject, Text: text, Date: at.In(loc),
		// RFC 3834 §5: a message the server generates, not to be answered automatically
		Extra: []compose.Field{{Name: "Auto-Submitted", Value: "auto-generated"}}})
	if err != nil {
		return nil, err
	}
	return m.Raw, nil
}
