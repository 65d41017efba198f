package storetest

var bayesTests = []test{
	{"bayes_trainCountsOnceAndRetrains", testBayes},
}

func testBayes(e *env) {
	kim := e.account("kim@example.com")
	lee := e.account("lee@example.com")
	other := e.account("park@other.example")
	changed, err := e.s.TrainBayes(e.ctx, kim.DomainID, kim.ID, "blob-a", []string{"무료", "대출"}, true)
	e.ok(err, "TrainBayes")
	if !changed {
		e.Errorf("a first training changed nothing")
	}
	changed, err = e.s.TrainBayes(e.ctx, kim.DomainID, kim.ID, "blob-a", []string{"무료", "대출"}, true)
	e.ok(err, "TrainBayes again")
	if changed {
		e.Errorf("training the same message the same way twice changed the counts")
	}
	_, err = e.s.TrainBayes(e.ctx, lee.DomainID, lee.ID, "blob-b", []string{"회의", "무료"}, false)
	e.ok(err, "TrainBayes lee")
	_, err = e.s.TrainBayes(e.ctx, other.DomainID, other.ID, "blob-c", []string{"무료"}, true)
	e.ok(err, "TrainBayes other domain")

	dom, acct, err := e.s.BayesCounts(e.ctx, kim.DomainID, kim.ID, []string{"무료", "대출", "회의", "없음"})
	e.ok(err, "BayesCounts")
	if acct.Spam != 1 || acct.Ham != 0 || acct.Tokens["무료"] != [2]int{1, 0} || acct.Tokens["회의"] != [2]int{0, 0} {
		e.Errorf("kim's counts %+v", acct)
	}
	if dom.Spam != 1 || dom.Ham != 1 || dom.Tokens["무료"] != [2]int{1, 1} || dom.Tokens["회의"] != [2]int{0, 1} || len(dom.Tokens) != 3 {
		e.Errorf("the domain's counts %+v (another domain's training must not count)", dom)
	}

	// "not spam" after "spam": the message moves to the other side.
	changed, err = e.s.TrainBayes(e.ctx, kim.DomainID, kim.ID, "blob-a", []string{"무료", "대출"}, false)
	e.ok(err, "TrainBayes as ham")
	if !changed {
		e.Errorf("retraining as ham changed nothing")
	}
	dom, acct, err = e.s.BayesCounts(e.ctx, kim.DomainID, kim.ID, []string{"무료", "대출"})
	e.ok(err, "BayesCounts after retraining")
	if acct.Spam != 0 || acct.Ham != 1 || acct.Tokens["대출"] != [2]int{0, 1} || dom.Spam != 0 || dom.Ham != 2 || dom.Tokens["무료"] != [2]int{0, 2} {
		e.Errorf("after retraining: kim %+v, domain %+v", acct, dom)
	}

	// An account that goes takes its counts and records, not the domain's.
	e.ok(e.s.DeleteAccount(e.ctx, kim.ID), "DeleteAccount")
	dom, acct, err = e.s.BayesCounts(e.ctx, kim.DomainID, kim.ID, []string{"대출"})
	e.ok(err, "BayesCounts after the account went")
	if acct.Spam+acct.Ham != 0 || len(acct.Tokens) != 0 || dom.Ham != 2 {
		e.Errorf("after deleting kim: kim %+v, domain %+v", acct, dom)
	}
}
