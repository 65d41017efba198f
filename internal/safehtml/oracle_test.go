package safehtml

import (
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// This file is the tests' oracle: an independent judgement, with the
// tokenizer a browser's parser is built on, of whether HTML contains
// anything executable or (without consent) remote. It deliberately repeats
// no code or table of the package, so that a mistake in the package's
// allow-list is not also a mistake in the test.

// benignElements may appear in sanitized output. Adding an element to the
// package's allow-list without adding it here fails the tests: look at it
// twice.
var benignElements = setOf(`a abbr acronym address article aside b bdi bdo big blockquote br
	caption center cite code col colgroup dd del dfn div dl dt em figcaption figure font footer
	h1 h2 h3 h4 h5 h6 header hr i img ins kbd li main mark nav nobr ol p pre q s samp section
	small span strike strong sub sup table tbody td tfoot th thead tr tt u ul var wbr`)

// executableElements are named in the failure message when they appear.
var executableElements = setOf(`script iframe frame frameset object embed applet form input button
	select textarea option style link meta base svg math noscript template xmp plaintext noembed
	noframes title details video audio source track isindex keygen marquee bgsound portal`)

// urlAttrs hold URLs: a script or document scheme in them runs or navigates.
var urlAttrs = setOf(`href src background cite action formaction poster data xlink:href
	dynsrc lowsrc srcset ping longdesc codebase archive`)

var (
	badScheme     = regexp.MustCompile(`^(javascript|vbscript|livescript|mocha|data):`)
	okDataImage   = regexp.MustCompile(`^data:image/(png|gif|jpeg|jpg|pjpeg|webp)[;,]`)
	remoteURL     = regexp.MustCompile(`^(https?:|//|\\\\)`)
	cssBadWords   = regexp.MustCompile(`expression\(|javascript:|vbscript:|@import|behavior|binding|\\|position:(fixed|absolute)|url\(["']?(javascript|vbscript|data:text|data:application|data:image/svg)`)
	cssRemoteURL  = regexp.MustCompile(`url\(["']?(https?:|//)`)
	controlOrWSRE = regexp.MustCompile("[\x00-\x20\x7f\uFFFD`]+")
	cssCommentRE  = regexp.MustCompile(`(?s)/\*.*?\*/`)
)

func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// vectorsIn returns what makes s unsafe to show: executable elements,
// event handlers, script or document URLs, dangerous CSS, and, unless
// allowRemote, remote images. An empty result means safe.
func vectorsIn(s string, allowRemote bool) []string {
	var found []string
	add := func(format string, args ...any) { found = append(found, fmt.Sprintf(format, args...)) }
	z := html.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				add("tokenizer error %v", z.Err())
			}
			return found
		case html.CommentToken:
			add("comment %q", z.Token().Data)
		case html.DoctypeToken:
			add("doctype")
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			switch {
			case executableElements[t.Data]:
				add("element <%s>", t.Data)
			case !benignElements[t.Data]:
				add("unexpected element <%s>", t.Data)
			}
			for _, a := range t.Attr {
				found = append(found, attrVectors(t.Data, a, allowRemote)...)
			}
		}
	}
}

func attrVectors(el string, a html.Attribute, allowRemote bool) []string {
	key := strings.ToLower(a.Key)
	if a.Namespace != "" {
		key = a.Namespace + ":" + key
	}
	var found []string
	add := func(format string, args ...any) {
		found = append(found, fmt.Sprintf("<%s %s=%q>: ", el, key, a.Val)+fmt.Sprintf(format, args...))
	}
	switch {
	case strings.HasPrefix(key, "on"):
		add("event handler")
	case key == "srcdoc" || key == "srcset" || key == "formaction" || key == "http-equiv" || strings.Contains(key, ":"):
		add("forbidden attribute")
	}
	if urlAttrs[key] {
		// What a browser's URL parser would see: no controls, no
		// whitespace, any case; and what old IE saw: no NULs (the
		// tokenizer makes them U+FFFD), grave accents as quotes.
		u := strings.ToLower(controlOrWSRE.ReplaceAllString(a.Val, ""))
		if badScheme.MatchString(u) && !(okDataImage.MatchString(u) && key != "href") {
			add("script or document URL")
		}
		if !allowRemote && key != "href" && remoteURL.MatchString(u) {
			add("remote resource before consent")
		}
	}
	if key == "style" {
		// Old IE ignored comments inside values: "expr/**/ession(".
		css := strings.ToLower(controlOrWSRE.ReplaceAllString(cssCommentRE.ReplaceAllString(a.Val, ""), ""))
		if cssBadWords.MatchString(css) {
			add("dangerous CSS")
		}
		if !allowRemote && cssRemoteURL.MatchString(css) {
			add("remote CSS image before consent")
		}
	}
	return found
}

// assertSafe fails the test if s contains a vector.
func assertSafe(t *testing.T, s string, allowRemote bool) {
	t.Helper()
	if v := vectorsIn(s, allowRemote); len(v) > 0 {
		t.Errorf("output is not safe (allowRemote=%v):\n  %s\noutput: %s", allowRemote, strings.Join(v, "\n  "), s)
	}
}
