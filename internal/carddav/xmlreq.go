package carddav

// The request bodies we read: PROPFIND (RFC 4918 §14.20), PROPPATCH
// (§14.19, names only), and the REPORTs addressbook-multiget (RFC 6352
// §8.7) and addressbook-query (§8.6). encoding/xml resolves the
// namespace prefixes, so every name here is (namespace, local name), as
// WebDAV means it; it expands no entities beyond XML's own five, so a
// body cannot grow on the way in.

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Namespaces.
const (
	nsDAV  = "DAV:"
	nsCard = "urn:ietf:params:xml:ns:carddav"
	// nsCS is Apple's calendarserver namespace, of getctag: the change
	// tag of a collection that clients compare before listing it.
	nsCS = "http://calendarserver.org/ns/"
)

// errBadXML marks a body that is not the XML the method takes (400).
var errBadXML = errors.New("carddav: malformed request body")

// nameList is the child element names of a DAV:prop, their content
// skipped (an address-data's CARD:prop children ask for a subset of
// the card; we always answer it whole, as §10.4.2 allows).
type nameList []xml.Name

func (n *nameList) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			*n = append(*n, t.Name)
			if err := d.Skip(); err != nil {
				return err
			}
		case xml.EndElement:
			return nil
		}
	}
}

// propRequest is which properties a PROPFIND or a REPORT asks for.
type propRequest struct {
	allprop  bool
	propname bool
	props    []xml.Name
}

type xPropfind struct {
	XMLName  xml.Name  `xml:"DAV: propfind"`
	Allprop  *struct{} `xml:"DAV: allprop"`
	Propname *struct{} `xml:"DAV: propname"`
	Prop     *nameList `xml:"DAV: prop"`
	// RFC 4918 §14.8: include asks for more than allprop's set; ours
	// already holds every property we have.
	Include *nameList `xml:"DAV: include"`
}

// parsePropfind reads a PROPFIND body; an empty one is allprop (§9.1).
func parsePropfind(body []byte) (propRequest, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return propRequest{allprop: true}, nil
	}
	var x xPropfind
	if err := xml.Unmarshal(body, &x); err != nil {
		return propRequest{}, fmt.Errorf("%w: propfind: %v", errBadXML, err)
	}
	switch {
	case x.Prop != nil:
		return propRequest{props: *x.Prop}, nil
	case x.Propname != nil:
		return propRequest{propname: true}, nil
	case x.Allprop != nil:
		return propRequest{allprop: true}, nil
	}
	return propRequest{}, fmt.Errorf("%w: propfind without prop, allprop or propname", errBadXML)
}

type xPropertyUpdate struct {
	XMLName xml.Name `xml:"DAV: propertyupdate"`
	Set     []struct {
		Prop nameList `xml:"DAV: prop"`
	} `xml:"DAV: set"`
	Remove []struct {
		Prop nameList `xml:"DAV: prop"`
	} `xml:"DAV: remove"`
}

// parseProppatch reads the names a PROPPATCH would set or remove.
func parseProppatch(body []byte) ([]xml.Name, error) {
	var x xPropertyUpdate
	if err := xml.Unmarshal(body, &x); err != nil {
		return nil, fmt.Errorf("%w: propertyupdate: %v", errBadXML, err)
	}
	var names []xml.Name
	for _, s := range x.Set {
		names = append(names, s.Prop...)
	}
	for _, s := range x.Remove {
		names = append(names, s.Prop...)
	}
	return names, nil
}

// Report kinds.
const (
	reportMultiget = "addressbook-multiget"
	reportQuery    = "addressbook-query"
)

// reportRequest is a REPORT body.
type reportRequest struct {
	kind   xml.Name // the root element: a known report or another
	props  propRequest
	hrefs  []string // multiget
	filter filter   // query
	limit  int      // query: CARDDAV:limit/nresults, 0 for none
}

// filter is an addressbook-query's CARDDAV:filter (RFC 6352 §10.5).
type filter struct {
	allOf bool // test="allof"; the default is anyof
	props []propFilter
}

type propFilter struct {
	name         string // upper case: FN, EMAIL, ...
	allOf        bool
	isNotDefined bool
	texts        []textMatch
	params       int // param-filters: not evaluated, they match
}

type textMatch struct {
	text      string
	matchType string // equals, contains (default), starts-with, ends-with
	negate    bool
	collation string
}

type xPropReq struct {
	Allprop  *struct{} `xml:"DAV: allprop"`
	Propname *struct{} `xml:"DAV: propname"`
	Prop     *nameList `xml:"DAV: prop"`
}

func (x xPropReq) request() propRequest {
	switch {
	case x.Prop != nil:
		return propRequest{props: *x.Prop}
	case x.Propname != nil:
		return propRequest{propname: true}
	}
	// RFC 6352 §8.6/§8.7 let the prop part out: all properties then.
	return propRequest{allprop: true}
}

type xMultiget struct {
	xPropReq
	Hrefs []string `xml:"DAV: href"`
}

type xQuery struct {
	xPropReq
	Filter *struct {
		Test        string `xml:"test,attr"`
		PropFilters []struct {
			Name         string    `xml:"name,attr"`
			Test         string    `xml:"test,attr"`
			IsNotDefined *struct{} `xml:"urn:ietf:params:xml:ns:carddav is-not-defined"`
			TextMatches  []struct {
				Collation string `xml:"collation,attr"`
				Negate    string `xml:"negate-condition,attr"`
				MatchType string `xml:"match-type,attr"`
				Text      string `xml:",chardata"`
			} `xml:"urn:ietf:params:xml:ns:carddav text-match"`
			ParamFilters []struct{} `xml:"urn:ietf:params:xml:ns:carddav param-filter"`
		} `xml:"urn:ietf:params:xml:ns:carddav prop-filter"`
	} `xml:"urn:ietf:params:xml:ns:carddav filter"`
	Limit *struct {
		NResults string `xml:"urn:ietf:params:xml:ns:carddav nresults"`
	} `xml:"urn:ietf:params:xml:ns:carddav limit"`
}

// rootName is the name of body's first element.
func rootName(body []byte) (xml.Name, error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return xml.Name{}, fmt.Errorf("%w: no element", errBadXML)
		}
		if err != nil {
			return xml.Name{}, fmt.Errorf("%w: %v", errBadXML, err)
		}
		if s, ok := tok.(xml.StartElement); ok {
			return s.Name, nil
		}
	}
}

// parseReport reads a REPORT body. A report we do not know is returned
// with its name only (the handler refuses it with DAV:supported-report).
func parseReport(body []byte) (reportRequest, error) {
	name, err := rootName(body)
	if err != nil {
		return reportRequest{}, err
	}
	rq := reportRequest{kind: name}
	if name.Space != nsCard {
		return rq, nil
	}
	switch name.Local {
	case reportMultiget:
		var x xMultiget
		if err := xml.Unmarshal(body, &x); err != nil {
			return reportRequest{}, fmt.Errorf("%w: %s: %v", errBadXML, name.Local, err)
		}
		rq.props = x.request()
		for _, h := range x.Hrefs {
			if h = strings.TrimSpace(h); h != "" {
				rq.hrefs = append(rq.hrefs, h)
			}
		}
	case reportQuery:
		var x xQuery
		if err := xml.Unmarshal(body, &x); err != nil {
			return reportRequest{}, fmt.Errorf("%w: %s: %v", errBadXML, name.Local, err)
		}
		rq.props = x.request()
		if x.Filter != nil {
			rq.filter.allOf = strings.EqualFold(x.Filter.Test, "allof")
			for _, pf := range x.Filter.PropFilters {
				f := propFilter{name: strings.ToUpper(strings.TrimSpace(pf.Name)), allOf: strings.EqualFold(pf.Test, "allof"),
					isNotDefined: pf.IsNotDefined != nil, params: len(pf.ParamFilters)}
				for _, tm := range pf.TextMatches {
					f.texts = append(f.texts, textMatch{text: tm.Text, matchType: strings.ToLower(strings.TrimSpace(tm.MatchType)),
						negate: strings.EqualFold(strings.TrimSpace(tm.Negate), "yes"), collation: strings.TrimSpace(tm.Collation)})
				}
				rq.filter.props = append(rq.filter.props, f)
			}
		}
		if x.Limit != nil {
			n, err := strconv.Atoi(strings.TrimSpace(x.Limit.NResults))
			if err != nil || n < 1 {
				return reportRequest{}, fmt.Errorf("%w: limit: nresults %q", errBadXML, x.Limit.NResults)
			}
			rq.limit = n
		}
	}
	return rq, nil
}
