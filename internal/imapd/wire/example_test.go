package wire_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"postroom/internal/imapd/wire"
)

// A session reads commands, answers each and flushes; a refused command
// is answered from its *wire.Error and the session reads on.
func Example() {
	in := strings.NewReader("a1 LIST \"\" \"\"\r\n" +
		"a2 CREATE \"abc\r\n" +
		"a3 APPEND INBOX {5}\r\nhello\r\n")
	out := &bytes.Buffer{}
	w := wire.NewWriter(out)
	r := wire.NewReader(bufio.NewReader(in), wire.Limits{MaxLiteral: 1 << 20})
	r.Continue = func(command string, size int64) error {
		// The client waits for this before it sends a synchronising literal.
		if err := w.Continue("Ready for literal data"); err != nil {
			return err
		}
		return w.Flush()
	}
	for {
		cmd, err := r.ReadCommand()
		var refused *wire.Error
		switch {
		case errors.As(err, &refused):
			w.Refused(refused)
			if refused.Fatal {
				w.Status("", "BYE", wire.Code{}, "cannot go on")
				w.Flush()
				return
			}
			continue
		case errors.Is(err, io.EOF):
			w.Flush()
			// CRLF shown as a newline.
			os.Stdout.Write(bytes.ReplaceAll(out.Bytes(), []byte("\r\n"), []byte("\n")))
			return
		case err != nil:
			fmt.Println(err)
			return
		}
		switch a := cmd.Args.(type) {
		case *wire.List:
			if len(a.Patterns) == 1 && a.Patterns[0] == "" {
				w.ListItem(false, []string{`\Noselect`}, '/', "")
			}
		case *wire.Append:
			w.Status(cmd.Tag, "OK", wire.CodeAppendUID(38505, wire.SeqSet{Ranges: []wire.SeqRange{{Start: 1, Stop: 1}}}),
				fmt.Sprintf("APPEND of %d octets completed", len(a.Messages[0].Literal)))
			continue
		}
		w.Status(cmd.Tag, "OK", wire.Code{}, cmd.Name+" completed")
	}
	// Output:
	// * LIST (\Noselect) "/" ""
	// a1 OK LIST completed
	// a2 BAD unterminated quoted string
	// + Ready for literal data
	// a3 OK [APPENDUID 38505 1] APPEND of 5 octets completed
}
