package cases

import (
	"regexp"
	"strings"
)

// yaml.v3 keeps the line and column of a syntax error inside its parser and prints only a line,
// for some errors the line of an enclosing construct and for errors on the first line none at all
// (see (*parser).fail in its decode.go). syntaxPosition finds the position from the text: for an
// unclosed flow collection or quoted scalar it is where that opens, for a misplaced ':' or a
// character that cannot start a token it is that character, and otherwise the first token of the
// line yaml.v3 names.

// syntaxPosition returns the line and column (1-based) of the syntax error msg, which yaml.v3
// reported at line (1-based, 0 when it gave none).
func syntaxPosition(data []byte, msg string, line int) (int, int) {
	lines := strings.Split(string(data), "\n")
	if line < 1 {
		line = 1
	}
	if line > len(lines) {
		line = len(lines)
	}
	if m := unknownAnchor.FindStringSubmatch(msg); m != nil {
		for n, l := range lines {
			if i := strings.Index(l, "*"+m[1]); i >= 0 {
				return n + 1, i + 1
			}
		}
	}
	open := scanOpen(lines)
	switch {
	case strings.Contains(msg, "',' or ']'") && open.seq.line > 0:
		return open.seq.line, open.seq.col
	case strings.Contains(msg, "',' or '}'") && open.mapping.line > 0:
		return open.mapping.line, open.mapping.col
	case strings.Contains(msg, "end of stream") && open.quote.line > 0:
		return open.quote.line, open.quote.col
	case strings.Contains(msg, "mapping values are not allowed"):
		if col := misplacedColon(lines[line-1]); col > 0 {
			return line, col
		}
	case strings.Contains(msg, "cannot start any token"), strings.Contains(msg, "tab character"):
		if i := strings.IndexAny(lines[line-1], "\t@`"); i >= 0 {
			return line, i + 1
		}
	}
	return line, firstToken(lines[line-1])
}

var unknownAnchor = regexp.MustCompile(`^unknown anchor '(.*)' referenced$`)

// firstToken is the column of the first non-blank character of the line, or 1.
func firstToken(l string) int {
	if i := strings.IndexFunc(l, func(r rune) bool { return r != ' ' && r != '\t' }); i >= 0 {
		return i + 1
	}
	return 1
}

// misplacedColon is the column of the ':' yaml.v3 does not allow on the line: the second mapping
// colon ("name: b: c"), or the only one (a key after a multi-line plain scalar).
func misplacedColon(l string) int {
	var cols []int
	for i := 0; i < len(l); i++ {
		if l[i] == ':' && (i+1 == len(l) || l[i+1] == ' ') {
			cols = append(cols, i+1)
		}
	}
	switch len(cols) {
	case 0:
		return 0
	case 1:
		return cols[0]
	}
	return cols[1]
}

type textPos struct{ line, col int }

// openAtEnd is what is still open at the end of the text: the innermost flow sequence and flow
// mapping, and a quoted scalar.
type openAtEnd struct{ seq, mapping, quote textPos }

// scanOpen follows flow collections and quoted scalars through the text, skipping comments and
// block scalars. It is a reading of the YAML syntax good enough to place an error the parser has
// already found, not a parser: a bracket counts where a value starts or inside a flow collection,
// a quote only where a value starts. A closer that does not match stops the scan, leaving its
// opener open.
func scanOpen(lines []string) openAtEnd {
	var stack []textPos
	var kinds []byte
	var quote byte
	var quotePos textPos
	blockIndent := -1
	for n, l := range lines {
		if blockIndent >= 0 {
			if strings.TrimSpace(l) == "" || firstToken(l)-1 > blockIndent {
				continue
			}
			blockIndent = -1
		}
		prev := byte(' ') // the last non-blank character outside a scalar, ' ' at line start
		for i := 0; i < len(l); i++ {
			c := l[i]
			if quote != 0 {
				switch {
				case quote == '"' && c == '\\':
					i++
				case c == quote && quote == '\'' && i+1 < len(l) && l[i+1] == '\'':
					i++ // '' is an escaped quote
				case c == quote:
					quote, prev = 0, 'x'
				}
				continue
			}
			valueStart := strings.IndexByte(" :-[{,", prev) >= 0 && (i == 0 || l[i-1] == ' ' || strings.IndexByte("[{,", l[i-1]) >= 0)
			switch {
			case c == '#' && (i == 0 || l[i-1] == ' '):
				i = len(l)
				continue
			case (c == '\'' || c == '"') && valueStart:
				quote, quotePos = c, textPos{n + 1, i + 1}
				continue
			case (c == '[' || c == '{') && (valueStart || len(stack) > 0):
				stack, kinds = append(stack, textPos{n + 1, i + 1}), append(kinds, c)
			case (c == ']' || c == '}') && len(stack) > 0:
				if want := map[byte]byte{']': '[', '}': '{'}[c]; kinds[len(kinds)-1] != want {
					return openAt(stack, kinds, quote, quotePos)
				}
				stack, kinds = stack[:len(stack)-1], kinds[:len(kinds)-1]
			case (c == '|' || c == '>') && valueStart && len(stack) == 0:
				blockIndent = firstToken(l) - 1
				i = len(l)
				continue
			}
			if c != ' ' {
				prev = c
			}
		}
	}
	return openAt(stack, kinds, quote, quotePos)
}

func openAt(stack []textPos, kinds []byte, quote byte, quotePos textPos) openAtEnd {
	var out openAtEnd
	if quote != 0 {
		out.quote = quotePos
	}
	for i := len(stack) - 1; i >= 0; i-- {
		switch {
		case kinds[i] == '[' && out.seq.line == 0:
			out.seq = stack[i]
		case kinds[i] == '{' && out.mapping.line == 0:
			out.mapping = stack[i]
		}
	}
	return out
}
