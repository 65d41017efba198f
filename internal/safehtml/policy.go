package safehtml

import (
	"net/url"
	"regexp"
	"sync"

	"github.com/microcosm-cc/bluemonday"
)

// attrKind says how the value of an allowed attribute is checked.
type attrKind int

const (
	// attrText is free text shown to the reader (alt, title): escaping,
	// which rendering does, is all it needs.
	attrText attrKind = iota
	// attrPattern must match the rule's pattern in full.
	attrPattern
	// attrStyle is an inline style, filtered declaration by declaration
	// (css.go).
	attrStyle
	// attrLink is a link target: http, https, mailto or tel (urls.go).
	attrLink
	// attrImage is an image source: cid:, a data: image or a remote image
	// (images.go).
	attrImage
)

// attrRule is how one allowed attribute is checked.
type attrRule struct {
	kind attrKind
	re   *regexp.Regexp
}

func pattern(expr string) attrRule {
	return attrRule{kind: attrPattern, re: regexp.MustCompile(expr)}
}

// Patterns for the presentational attributes that mail still uses heavily
// (Outlook, Naver and Daum editors and most newsletter builders lay out with
// tables and <font>). They are strict so that nothing but a number, a colour
// or a keyword gets through; a value that does not match loses the attribute,
// never the element.
var (
	reLength  = pattern(`^\s*\d{1,5}(\.\d{1,4})?\s*(%|px)?\s*$`)
	reInteger = pattern(`^\s*\d{1,4}\s*$`)
	reColor   = pattern(`^\s*#?[0-9A-Za-z]{1,20}\s*$`)
	reAlign   = pattern(`(?i)^\s*(left|right|center|justify|top|middle|bottom|baseline|absmiddle|absbottom|texttop)\s*$`)
	reVAlign  = pattern(`(?i)^\s*(top|middle|bottom|baseline)\s*$`)
	reDir     = pattern(`(?i)^\s*(ltr|rtl|auto)\s*$`)
	reLang    = pattern(`^\s*[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8}){0,4}\s*$`)
	reFace    = pattern(`^[\p{L}\p{N} ,'"._-]{1,200}$`)
	reSize    = pattern(`^\s*[+-]?[1-7]\s*$`)
	reBool    = pattern(`(?i)^\s*(|nowrap|noshade|reversed)\s*$`)
	reOLType  = pattern(`^\s*[1aAiI]\s*$`)
	reULType  = pattern(`(?i)^\s*(disc|circle|square|none)\s*$`)
	reCite    = pattern(`(?i)^\s*cite\s*$`)
)

var (
	textRule  = attrRule{kind: attrText}
	styleRule = attrRule{kind: attrStyle}
	linkRule  = attrRule{kind: attrLink}
	imageRule = attrRule{kind: attrImage}
)

// globalAttrs may appear on every allowed element. There is no class or id:
// without the message's <style> blocks (see css.go) they style nothing, and
// an id would only let the message aim fragment links at itself.
var globalAttrs = map[string]attrRule{
	"style": styleRule,
	"title": textRule,
	"dir":   reDir,
	"lang":  reLang,
	"align": reAlign,
}

// tableCellAttrs are shared by td and th.
var tableCellAttrs = map[string]attrRule{
	"width": reLength, "height": reLength, "bgcolor": reColor,
	"background": imageRule, "colspan": reInteger, "rowspan": reInteger,
	"valign": reVAlign, "nowrap": reBool,
}

// elementAttrs is the allow-list: the formatting elements real mail uses and,
// for each, the attributes it may keep besides globalAttrs. Anything else is
// removed (its text stays, except for the elements in dropWithContent).
// Deliberately absent: script, style, iframe/frame, object/embed/applet,
// form and its controls, meta, link, base, svg, math, audio/video, details
// (its toggle event), area/map, and every on* attribute.
var elementAttrs = map[string]map[string]attrRule{
	"a":   {"href": linkRule},
	"img": {"src": imageRule, "alt": textRule, "width": reLength, "height": reLength, "border": reInteger, "hspace": reInteger, "vspace": reInteger},
	// body's attributes become a wrapper div (see bodyWrapper): mail sets
	// its page colour there.
	"body":  {"bgcolor": reColor, "text": reColor, "background": imageRule},
	"table": {"width": reLength, "height": reLength, "border": reInteger, "cellpadding": reInteger, "cellspacing": reInteger, "bgcolor": reColor, "background": imageRule},
	"tr":    {"height": reLength, "bgcolor": reColor, "background": imageRule, "valign": reVAlign},
	"td":    tableCellAttrs,
	"th":    tableCellAttrs,
	"thead": {"valign": reVAlign}, "tbody": {"valign": reVAlign}, "tfoot": {"valign": reVAlign},
	"col":      {"span": reInteger, "width": reLength, "valign": reVAlign},
	"colgroup": {"span": reInteger, "width": reLength, "valign": reVAlign},
	"caption":  {},
	"font":     {"color": reColor, "size": reSize, "face": reFace},
	"hr":       {"width": reLength, "size": reInteger, "color": reColor, "noshade": reBool},
	"ol":       {"start": reInteger, "type": reOLType, "reversed": reBool},
	"ul":       {"type": reULType},
	"li":       {"value": reInteger},
	// Apple Mail and Thunderbird mark quotations with type="cite".
	"blockquote": {"type": reCite},
	"center":     {}, "div": {}, "span": {}, "p": {}, "br": {}, "pre": {}, "code": {},
	"h1": {}, "h2": {}, "h3": {}, "h4": {}, "h5": {}, "h6": {},
	"dl": {}, "dt": {}, "dd": {},
	"b": {}, "i": {}, "u": {}, "s": {}, "strike": {}, "strong": {}, "em": {},
	"sub": {}, "sup": {}, "small": {}, "big": {}, "tt": {}, "mark": {},
	"abbr": {}, "acronym": {}, "cite": {}, "dfn": {}, "kbd": {}, "samp": {}, "var": {}, "q": {},
	"del": {}, "ins": {}, "address": {}, "bdi": {}, "bdo": {}, "wbr": {}, "nobr": {},
	"section": {}, "article": {}, "header": {}, "footer": {}, "main": {}, "nav": {}, "aside": {},
	"figure": {}, "figcaption": {},
}

// needsAttrs are elements that mean nothing without their attributes: an
// <a> without a link, an <img> without a source, a <font> without a face,
// size or colour. bluemonday drops the tag (keeping the content) when none
// survive.
var needsAttrs = map[string]bool{"a": true, "img": true, "font": true}

// dropWithContent are removed together with everything inside them: their
// content is code, metadata or a nested document, not text the reader
// should see (a browser does not show it either). bluemonday already skips
// script, style, iframe, object, noscript, title and a few more; the rest
// are added in buildPolicy.
//
// Not here, although they hold no text worth showing: <head>, because a
// message whose <head> is never closed would lose its whole body to a
// tokenizer that skips until </head> (the tree builder closes it at the
// first body content, and the second layer only looks at <body>); and
// Outlook's <xml>, which sits inside conditional comments in practice and
// whose text is harmless.
var dropWithContent = map[string]bool{
	"script": true, "style": true, "template": true, "svg": true, "math": true,
	"iframe": true, "frame": true, "frameset": true, "noframes": true,
	"object": true, "embed": true, "applet": true, "noscript": true, "noembed": true,
	"title": true, "select": true,
}

// lookupAttr reports how attribute key of element el is checked, and
// whether it is allowed at all.
func lookupAttr(el, key string) (attrRule, bool) {
	if r, ok := elementAttrs[el][key]; ok {
		return r, true
	}
	r, ok := globalAttrs[key]
	return r, ok
}

// imageURLGate is bluemonday's coarse check of image attributes it does not
// parse as URLs itself (background): only the schemes images.go may accept.
var imageURLGate = regexp.MustCompile(`(?i)^[\x00-\x20]*(https?:|cid:|//|data:image/)`)

// mailPolicy is the first layer: bluemonday with our allow-list. Built once;
// a bluemonday Policy is safe for concurrent use once configured.
var mailPolicy = sync.OnceValue(buildPolicy)

func buildPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	for el, attrs := range elementAttrs {
		if needsAttrs[el] {
			p.AllowElements(el)
		} else {
			p.AllowNoAttrs().OnElements(el)
		}
		for key, rule := range attrs {
			allowAttr(p, key, rule).OnElements(el)
		}
	}
	for key, rule := range globalAttrs {
		allowAttr(p, key, rule).Globally()
	}
	// bluemonday checks href and img src against these schemes. Relative
	// URLs pass this layer only so that protocol-relative "//host/x.png"
	// images reach images.go to be counted as remote; urls.go and images.go
	// drop every other relative URL, which has no meaning in a message.
	p.AllowURLSchemes("http", "https", "mailto", "tel", "cid")
	p.AllowURLSchemeWithCustomPolicy("data", func(u *url.URL) bool { return isDataImage("data:" + u.Opaque) })
	p.AllowRelativeURLs(true)
	p.RequireParseableURLs(true)
	for el := range dropWithContent {
		p.SkipElementsContent(el)
	}
	return p
}

func allowAttr(p *bluemonday.Policy, key string, rule attrRule) attrBuilder {
	b := p.AllowAttrs(key)
	switch rule.kind {
	case attrPattern:
		b.Matching(rule.re)
	case attrImage:
		if key != "src" {
			b.Matching(imageURLGate)
		}
	}
	return b
}

// attrBuilder is the part of bluemonday's (unexported) attribute policy
// builder that allowAttr's callers use.
type attrBuilder interface {
	OnElements(...string) *bluemonday.Policy
	Globally() *bluemonday.Policy
}
