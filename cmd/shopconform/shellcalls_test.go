package main

import (
	"path"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// shellCalls finds the shopconform commands a shell script runs (a
// command named …/shopconform, or `go run …/shopconform`) and returns the
// arguments of each (redirections left out), up to the end of its command:
// an operator (`;`, `&&`, `|`, …). It reads the shell the CI recipes are written
// in, not every shell: quotes, escapes, comments, continuation lines,
// assignments before a command, `$(…)`, and GitHub's `${{ … }}`
// expressions (each one word).
func shellCalls(script string) [][]string {
	script = githubExpr.ReplaceAllStringFunc(script, func(e string) string { return strings.ReplaceAll(e, " ", "") })
	script = strings.ReplaceAll(script, "\\\n", " ")
	var calls [][]string
	for _, line := range strings.Split(script, "\n") {
		calls = append(calls, commandCalls(shellTokens(line))...)
	}
	return calls
}

var (
	githubExpr = regexp.MustCompile(`\$\{\{.*?\}\}`)
	assignment = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)
)

// shellKeywords leave the next word in command position.
var shellKeywords = map[string]bool{"if": true, "then": true, "else": true, "elif": true, "do": true, "while": true, "until": true, "!": true, "{": true, "time": true, "exec": true, "command": true}

type shellToken struct {
	word string
	op   string // "" for a word; ";", "&&", "|", "$(", ")", ">" (any redirection), …
}

func commandCalls(tokens []shellToken) [][]string {
	var calls [][]string
	var call []string
	inCall, atCommand := false, true
	for i := 0; i < len(tokens); i++ {
		tok := tokens[i]
		if tok.op == ">" {
			i++ // a redirection and its target: the command goes on
			continue
		}
		if tok.op != "" {
			if inCall {
				calls, call, inCall = append(calls, call), nil, false
			}
			atCommand = true
			continue
		}
		switch {
		case inCall:
			call = append(call, tok.word)
		case !atCommand:
		case shellKeywords[tok.word] || assignment.MatchString(tok.word):
		case path.Base(tok.word) == "shopconform":
			inCall, call, atCommand = true, []string{}, false
		case tok.word == "go" && i+2 < len(tokens) && tokens[i+1].word == "run":
			atCommand = false
			j := i + 2
			for j < len(tokens) && strings.HasPrefix(tokens[j].word, "-") {
				j++
			}
			if j < len(tokens) && tokens[j].op == "" && path.Base(tokens[j].word) == "shopconform" {
				i, inCall, call = j, true, []string{}
			}
		default:
			atCommand = false
		}
	}
	if inCall {
		calls = append(calls, call)
	}
	return calls
}

// shellTokens splits one line into words and operators.
func shellTokens(line string) []shellToken {
	var tokens []shellToken
	var word strings.Builder
	inWord := false
	flush := func() {
		if inWord {
			tokens = append(tokens, shellToken{word: word.String()})
		}
		word.Reset()
		inWord = false
	}
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			flush()
		case c == '#' && !inWord:
			flush()
			return tokens
		case c == '\'':
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				end = len(line) - i - 1
			}
			word.WriteString(line[i+1 : i+1+end])
			inWord, i = true, i+1+end
		case c == '"':
			inWord = true
			for i++; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' && i+1 < len(line) && strings.IndexByte("\"\\$`", line[i+1]) >= 0 {
					i++
				}
				word.WriteByte(line[i])
			}
		case c == '\\' && i+1 < len(line):
			word.WriteByte(line[i+1])
			inWord, i = true, i+1
		case c == '$' && i+1 < len(line) && line[i+1] == '(':
			flush()
			tokens = append(tokens, shellToken{op: "$("})
			i++
		case c == '>' || c == '<':
			if inWord && strings.Trim(word.String(), "0123456789") == "" {
				word.Reset() // 2>&1: the descriptor is part of the redirection
				inWord = false
			}
			flush()
			for i+1 < len(line) && strings.IndexByte("<>&|", line[i+1]) >= 0 {
				i++
			}
			if c == '>' && line[i] == '&' && i+1 < len(line) && line[i+1] >= '0' && line[i+1] <= '9' {
				i++ // >&2: no target word follows
				tokens = append(tokens, shellToken{op: ">"}, shellToken{word: line[i : i+1]})
				continue
			}
			tokens = append(tokens, shellToken{op: ">"})
		case strings.IndexByte(";&|()", c) >= 0:
			flush()
			op := string(c)
			if i+1 < len(line) && (line[i+1] == c || c == '|' && line[i+1] == '&') {
				op += string(line[i+1])
				i++
			}
			tokens = append(tokens, shellToken{op: op})
		default:
			word.WriteByte(c)
			inWord = true
		}
	}
	flush()
	return tokens
}

func TestShellCalls(t *testing.T) {
	for _, tc := range []struct {
		script string
		want   [][]string
	}{
		{"bin/shopconform run --shard ${{ matrix.shard }}/3 --report-dir reports", [][]string{{"run", "--shard", "${{matrix.shard}}/3", "--report-dir", "reports"}}},
		{"go build -o bin/shopconform ./cmd/shopconform", nil},
		{"go run ./cmd/shopconform lint && go run -race ./cmd/shopconform list --format json | jq .", [][]string{{"lint"}, {"list", "--format", "json"}}},
		{"set +e\nSHOPCONFORM_REPORT_DIR=tonight bin/shopconform run\necho \"code=$?\" >> \"$GITHUB_OUTPUT\"", [][]string{{"run"}}},
		{"if [ -f x ]; then\n  ./bin/shopconform report diff last/results.json 'to night/results.json' > diff.txt 2>&1 # compare\nfi", [][]string{{"report", "diff", "last/results.json", "to night/results.json"}}},
		{"bin/shopconform record --check \\\n  --out nightly/cassettes", [][]string{{"record", "--check", "--out", "nightly/cassettes"}}},
		{"v=$(shopconform version) || echo \"not bin/shopconform run\"", [][]string{{"version"}}},
		{"echo shopconform run; bin/shopconform run 2>&1 >log --verbose >&2", [][]string{{"run", "--verbose"}}},
		{`bin/shopconform run --report-dir "reports/shard-$CI_NODE_INDEX"`, [][]string{{"run", "--report-dir", "reports/shard-$CI_NODE_INDEX"}}},
	} {
		if got := shellCalls(tc.script); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%q:\n got %q\nwant %q", tc.script, got, tc.want)
		}
	}
}
