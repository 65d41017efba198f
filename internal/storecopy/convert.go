package storecopy

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"
)

// convert turns a value read from SQLite (int64, float64, string, []byte
// or nil, as modernc.org/sqlite hands them out) into what the target
// column of type pgType takes. SQLite keeps booleans as 0/1 and has no
// width for integers; PostgreSQL wants bool and checks the range itself.
func convert(v any, pgType string) (any, error) {
	if v == nil {
		return nil, nil // NOT NULL on the target names the column if it matters
	}
	switch pgType {
	case "bigint", "integer", "smallint":
		switch x := v.(type) {
		case int64:
			return x, nil
		case float64:
			if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
				return int64(x), nil
			}
		case string:
			if n, err := strconv.ParseInt(x, 10, 64); err == nil {
				return n, nil
			}
		}
	case "boolean":
		if x, ok := v.(int64); ok {
			return x != 0, nil
		}
	case "text":
		switch x := v.(type) {
		case string:
			return checkText(x)
		case []byte:
			return checkText(string(x))
		case int64:
			return strconv.FormatInt(x, 10), nil
		case float64:
			return strconv.FormatFloat(x, 'g', -1, 64), nil
		}
	case "bytea":
		switch x := v.(type) {
		case []byte:
			return x, nil
		case string:
			return []byte(x), nil
		}
	case "double precision", "real":
		switch x := v.(type) {
		case float64:
			return x, nil
		case int64:
			return float64(x), nil
		}
	default:
		return nil, fmt.Errorf("target type %s: not one this copy knows", pgType)
	}
	return nil, fmt.Errorf("%T value %v does not fit a %s column", v, v, pgType)
}

// checkText refuses what PostgreSQL's text cannot hold, with a message
// better than the server's.
func checkText(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("text is not UTF-8")
	}
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return "", fmt.Errorf("text holds a NUL byte")
		}
	}
	return s, nil
}

// normalize makes a value read back from the target comparable with a
// converted source value.
func normalize(v any) any {
	switch x := v.(type) {
	case int32:
		return int64(x)
	case int16:
		return int64(x)
	case float32:
		return float64(x)
	}
	return v
}
