package bodypart

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"postroom/internal/imapd/wire"
)

// storedSamples are messages whose envelope and structure exercise every
// field of the stored form: groups and route addresses, an encapsulated
// message with its own envelope, dispositions, languages, locations,
// 8-bit text and a multipart inside a multipart.
var storedSamples = []string{
	"",
	"Subject: only\r\n\r\n",
	rfcNested,
	crlf(`Date: Thu, 15 Feb 2007 01:02:03 +0200
From: A Group:Ed <c@a.test>,joe@where.test;, <@r.test:x@y>, "q\"" <z@z.test>
Sender: s@example.org
Reply-To: r@example.org
To: =?UTF-8?B?7ZWc6rWt7Ja0?= <k@example.kr>
Cc: c1@example.org, c2@example.org
Bcc: b@example.org
Subject: 회의 일정
In-Reply-To: <a@b>
Message-ID: <m@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"; charset=utf-8

--b1
Content-Type: multipart/alternative; boundary=b2

--b2
Content-Type: text/plain; charset=utf-8; format=flowed
Content-Language: en, ko
Content-Location: http://example.org/x

plain 본문
--b2
Content-Type: text/html
Content-Transfer-Encoding: quoted-printable
Content-ID: <h@x>
Content-Description: the html

<p>x=3D</p>
--b2--
--b1
Content-Type: message/rfc822
Content-Disposition: attachment; filename="fwd.eml"; size=12

From: inner@example.org
Subject: inner
Date: Mon, 1 Jan 2024 00:00:00 +0900

inner body
--b1
Content-Type: application/octet-stream; name=a.bin
Content-Transfer-Encoding: base64
Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==

AAEC/w==
--b1--
`),
}

func TestStored_roundTripWritesTheSame(t *testing.T) {
	for i, msg := range storedSamples {
		root := parse(t, msg)
		env, bs := root.Envelope(), root.Structure()
		gotEnv, err := DecodeEnvelope(EncodeEnvelope(env))
		if err != nil {
			t.Fatalf("sample %d: DecodeEnvelope: %v", i, err)
		}
		gotBS, err := DecodeStructure(EncodeStructure(bs))
		if err != nil {
			t.Fatalf("sample %d: DecodeStructure: %v", i, err)
		}
		if w, g := wireEnvelope(env), wireEnvelope(gotEnv); w != g {
			t.Errorf("sample %d ENVELOPE:\n got %s\nwant %s", i, g, w)
		}
		for _, ext := range []bool{false, true} {
			if w, g := wireStructure(bs, ext), wireStructure(gotBS, ext); w != g {
				t.Errorf("sample %d structure (extended %v):\n got %s\nwant %s", i, ext, g, w)
			}
		}
		if !reflect.DeepEqual(normalStructure(bs), gotBS) {
			t.Errorf("sample %d: decoded structure differs:\n got %#v\nwant %#v", i, gotBS, normalStructure(bs))
		}
	}
}

// The nested message's envelope and the second-level parts must survive:
// a check that does not rely on the writer.
func TestStored_keepsNestedParts(t *testing.T) {
	bs, err := DecodeStructure(EncodeStructure(parse(t, storedSamples[3]).Structure()))
	if err != nil {
		t.Fatal(err)
	}
	if len(bs.Parts) != 3 || len(bs.Parts[0].Parts) != 2 {
		t.Fatalf("parts: %+v", bs)
	}
	if got := bs.Parts[1].Envelope; got == nil || got.Subject != "inner" || got.Date != "Mon, 1 Jan 2024 00:00:00 +0900" {
		t.Errorf("encapsulated envelope: %+v", got)
	}
	if got := bs.Parts[0].Parts[0].Language; !reflect.DeepEqual(got, []string{"en", "ko"}) {
		t.Errorf("language: %q", got)
	}
}

func TestStored_refusesCorruptValues(t *testing.T) {
	env := EncodeEnvelope(&wire.Envelope{Subject: "s", From: []wire.Address{{Mailbox: "a", Host: "b"}}})
	bs := EncodeStructure(parse(t, rfcNested).Structure())
	for name, b := range map[string][]byte{
		"empty":            nil,
		"other version":    append([]byte{2}, env[1:]...),
		"cut short":        env[:len(env)-1],
		"trailing":         append(bytes.Clone(env), 0),
		"huge count":       {storedVersion, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f},
		"huge string":      {storedVersion, 0xff, 0xff, 0xff, 0xff, 0x0f},
		"structure cut":    bs[:len(bs)/2],
		"structure as env": bs,
	} {
		if _, err := DecodeEnvelope(b); !errors.Is(err, ErrBadStored) {
			t.Errorf("%s: DecodeEnvelope err = %v, want ErrBadStored", name, err)
		}
	}
	if _, err := DecodeStructure(bs[:len(bs)-1]); !errors.Is(err, ErrBadStored) {
		t.Errorf("cut structure: err = %v", err)
	}
	// A structure nested deeper than Parse builds is refused, not followed.
	deep := &wire.BodyStructure{Type: "text", Subtype: "plain"}
	for range maxStoredDepth + 2 {
		deep = &wire.BodyStructure{Type: "multipart", Subtype: "mixed", Parts: []*wire.BodyStructure{deep}}
	}
	if _, err := DecodeStructure(EncodeStructure(deep)); !errors.Is(err, ErrBadStored) {
		t.Errorf("deep structure: err = %v", err)
	}
}

// FuzzDecodeStored feeds arbitrary bytes to both decoders: they never
// panic, and what they accept encodes to a value that decodes the same.
// Seeds are the stored forms of storedSamples.
func FuzzDecodeStored(f *testing.F) {
	for _, msg := range storedSamples {
		root, err := Parse(strings.NewReader(msg), int64(len(msg)))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(EncodeEnvelope(root.Envelope()))
		f.Add(EncodeStructure(root.Structure()))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if env, err := DecodeEnvelope(b); err == nil {
			again, err := DecodeEnvelope(EncodeEnvelope(env))
			if err != nil || !reflect.DeepEqual(env, again) {
				t.Fatalf("envelope re-encoded: %v\n%#v\n%#v", err, env, again)
			}
			wireEnvelope(env)
		}
		if bs, err := DecodeStructure(b); err == nil {
			again, err := DecodeStructure(EncodeStructure(bs))
			if err != nil || !reflect.DeepEqual(bs, again) {
				t.Fatalf("structure re-encoded: %v\n%#v\n%#v", err, bs, again)
			}
			wireStructure(bs, true)
		}
	})
}

func wireStructure(b *wire.BodyStructure, extended bool) string {
	var buf bytes.Buffer
	w := wire.NewWriter(&buf)
	w.Start("*").BodyStructure(b, extended).End()
	w.Flush()
	return buf.String()
}

// normalStructure is b with empty lists as nil, as the decoder gives them.
func normalStructure(b *wire.BodyStructure) *wire.BodyStructure {
	if b == nil {
		return nil
	}
	c := *b
	if len(c.Params) == 0 {
		c.Params = nil
	}
	if len(c.DispositionParams) == 0 {
		c.DispositionParams = nil
	}
	if len(c.Language) == 0 {
		c.Language = nil
	}
	c.Envelope = normalEnvelope(c.Envelope)
	c.Body = normalStructure(c.Body)
	c.Parts = nil
	for _, p := range b.Parts {
		c.Parts = append(c.Parts, normalStructure(p))
	}
	return &c
}

func normalEnvelope(e *wire.Envelope) *wire.Envelope {
	if e == nil {
		return nil
	}
	c := *e
	for _, l := range []*[]wire.Address{&c.From, &c.Sender, &c.ReplyTo, &c.To, &c.Cc, &c.Bcc} {
		if len(*l) == 0 {
			*l = nil
		}
	}
	return &c
}
