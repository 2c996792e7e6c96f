package pypitest

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pypi-publish/pypi-publish/internal/pyrepr"
)

// parseTokenPayload reads a mint-token body as Warehouse does, with the
// pydantic model TokenPayload{token: StrictStr}: a JSON object whose
// token is a string; other keys are ignored. On failure it returns
// pydantic's error text (its JSON parser's wording is approximated).
func parseTokenPayload(body []byte) (string, string) {
	if !json.Valid(body) {
		return "", pydanticError("", "Invalid JSON: "+jsonProblem(body), "json_invalid",
			pyrepr.Str(string(body)), "str")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	v, _ := decodeOrdered(dec)
	obj, ok := v.(orderedObject)
	if !ok {
		return "", pydanticError("", "Input should be an object", "model_type", reprJSON(v), pyType(v))
	}
	token, found := any(nil), false
	for _, kv := range obj {
		if kv.key == "token" {
			token, found = kv.value, true // the last one wins, as in Python
		}
	}
	if !found {
		return "", pydanticError("token", "Field required", "missing", reprJSON(obj), "dict")
	}
	s, ok := token.(string)
	if !ok {
		return "", pydanticError("token", "Input should be a valid string", "string_type", reprJSON(token), pyType(token))
	}
	return s, ""
}

// pydanticError formats a ValidationError with one error, as str(exc).
func pydanticError(field, msg, typ, input, inputType string) string {
	if utf8.RuneCountInString(input) > 50 {
		r := []rune(input)
		input = string(r[:25]) + "..." + string(r[len(r)-24:])
	}
	loc := ""
	if field != "" {
		loc = field + "\n"
	}
	return "1 validation error for TokenPayload\n" + loc + "  " + msg + " [type=" + typ +
		", input_value=" + input + ", input_type=" + inputType + "]\n" +
		"    For further information visit https://errors.pydantic.dev/2.12/v/" + typ
}

// jsonProblem describes invalid JSON roughly as pydantic's parser does,
// with a 1-based line and column.
func jsonProblem(body []byte) string {
	var v any
	err := json.Unmarshal(body, &v)
	var se *json.SyntaxError
	if !errors.As(err, &se) || strings.Contains(se.Error(), "unexpected end") || int(se.Offset) > len(body) {
		line, col := position(body, len(body))
		return "EOF while parsing a value at line " + line + " column " + col
	}
	line, col := position(body, int(se.Offset))
	switch {
	case strings.Contains(se.Error(), "after top-level value"):
		return "trailing characters at line " + line + " column " + col
	case strings.Contains(se.Error(), "object key"):
		return "key must be a string at line " + line + " column " + col
	case strings.Contains(se.Error(), "in literal"): // nul, tru, fals
		return "expected ident at line " + line + " column " + col
	}
	return "expected value at line " + line + " column " + col
}

func position(b []byte, off int) (string, string) {
	before := b[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := off - (bytes.LastIndexByte(before, '\n') + 1)
	return strconv.Itoa(line), strconv.Itoa(col)
}

// orderedObject is a JSON object with its keys in order, as a Python dict
// keeps them.
type orderedObject []struct {
	key   string
	value any
}

// decodeOrdered decodes one JSON value from valid input: objects as
// orderedObject, arrays as []any, numbers as json.Number.
func decodeOrdered(dec *json.Decoder) (any, error) {
	t, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t {
	case json.Delim('{'):
		var obj orderedObject
		for dec.More() {
			k, _ := dec.Token()
			v, err := decodeOrdered(dec)
			if err != nil {
				return nil, err
			}
			key, _ := k.(string)
			obj = append(obj, struct {
				key   string
				value any
			}{key, v})
		}
		_, err = dec.Token()
		return obj, err
	case json.Delim('['):
		list := []any{}
		for dec.More() {
			v, err := decodeOrdered(dec)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		_, err = dec.Token()
		return list, err
	}
	return t, nil
}

// reprJSON is Python's repr of a value json.loads would return.
func reprJSON(v any) string {
	switch v := v.(type) {
	case nil:
		return "None"
	case bool:
		if v {
			return "True"
		}
		return "False"
	case string:
		return pyrepr.Str(v)
	case json.Number:
		return pyNumber(v)
	case []any:
		parts := make([]string, len(v))
		for k, e := range v {
			parts[k] = reprJSON(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case orderedObject:
		parts := make([]string, len(v))
		for k, kv := range v {
			parts[k] = pyrepr.Str(kv.key) + ": " + reprJSON(kv.value)
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return "?"
}

// pyNumber is Python's repr of a JSON number: ints as written, floats in
// Python's shortest form (1.0, 1e-05, 1e+16).
func pyNumber(n json.Number) string {
	s := string(n)
	if !strings.ContainsAny(s, ".eE") {
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return "inf"
	}
	exp := 0
	if e := strconv.FormatFloat(f, 'e', -1, 64); strings.Contains(e, "e") {
		exp, _ = strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
	}
	if f != 0 && (exp < -4 || exp >= 16) {
		return strconv.FormatFloat(f, 'e', -1, 64)
	}
	out := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(out, ".") {
		out += ".0"
	}
	return out
}

// pyType is the Python type name of a decoded JSON value.
func pyType(v any) string {
	switch v := v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case string:
		return "str"
	case json.Number:
		if strings.ContainsAny(string(v), ".eE") {
			return "float"
		}
		return "int"
	case []any:
		return "list"
	}
	return "dict"
}
