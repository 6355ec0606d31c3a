package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The CI recipes (ci/README.md) run this binary: every shopconform command
// line in them must name a verb this build has, with flags that verb
// takes, and every SHOPCONFORM_ variable they set must be one the CLI
// reads. actionlint (make actionlint) checks the GitHub workflows as
// workflows; this test checks what they ask of shopconform, and that each
// recipe's shards add up.

// recipeCall is one shopconform command line of a recipe.
type recipeCall struct {
	where string // file and job
	args  []string
}

func TestCIRecipesRunRealCommands(t *testing.T) {
	root := recipeRoot(t)
	cli := newCLIHelp(t)
	var calls []recipeCall
	var envs []recipeEnv

	for _, file := range []string{".github/workflows/conformance.yml", ".github/workflows/nightly.yml"} {
		c, e := githubCalls(t, root, file)
		calls, envs = append(calls, c...), append(envs, e...)
	}
	c, e := gitlabCalls(t, root, "ci/gitlab/shopconform.gitlab-ci.yml")
	calls, envs = append(calls, c...), append(envs, e...)
	var k8s k8sRecipe
	for _, file := range []string{"ci/kubernetes/indexed-job.yaml", "ci/kubernetes/merge-job.yaml"} {
		c, e := k8s.read(t, root, file)
		calls, envs = append(calls, c...), append(envs, e...)
	}
	k8s.check(t)
	readme, err := os.ReadFile(filepath.Join(root, "ci/README.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, block := range fencedShell(string(readme)) {
		for _, args := range shellCalls(block) {
			calls = append(calls, recipeCall{"ci/README.md", args})
		}
	}

	verbs := map[string]bool{}
	for _, call := range calls {
		path, rest, err := cli.resolve(call.args)
		if err == nil {
			verbs[path] = true
			err = cli.checkFlags(path, rest)
		}
		if err != nil {
			t.Errorf("%s: shopconform %s: %v", call.where, strings.Join(call.args, " "), err)
		}
	}
	for _, want := range []string{"run", "record", "report diff", "version"} {
		if !verbs[want] {
			t.Errorf("no recipe runs shopconform %s (found %d command lines): is the parsing still right?", want, len(calls))
		}
	}
	for _, env := range envs {
		if !strings.HasPrefix(env.name, "SHOPCONFORM_") || cli.env[env.name] {
			continue
		}
		t.Errorf("%s: sets %s, which shopconform does not read (it reads %s)", env.where, env.name, strings.Join(sortedKeys(cli.env), ", "))
	}
}

// cliHelp is what this build's CLI says of itself, verb by verb (`-h`).
type cliHelp struct {
	t     *testing.T
	flags map[string]map[string]bool // "report diff" → its flags
	env   map[string]bool            // SHOPCONFORM_ variables named by any verb's help
}

var (
	helpFlag = regexp.MustCompile(`(?m)^  -([A-Za-z0-9][A-Za-z0-9_.-]*)`)
	helpEnv  = regexp.MustCompile(`\bSHOPCONFORM_[A-Z0-9_]+`)
)

func newCLIHelp(t *testing.T) *cliHelp {
	h := &cliHelp{t: t, flags: map[string]map[string]bool{}, env: map[string]bool{}}
	for _, c := range commands() {
		h.help(c.name)
	}
	for _, c := range reportCommands() {
		h.help("report " + c.name)
	}
	h.help("certify verify")
	return h
}

// help records the flags and variables of a verb's help; false if the verb
// does not exist.
func (h *cliHelp) help(path string) bool {
	if _, ok := h.flags[path]; ok {
		return true
	}
	var stderr bytes.Buffer
	code := dispatch(h.t.Context(), append(strings.Fields(path), "-h"), io.Discard, &stderr)
	if code != exitOK || strings.Contains(stderr.String(), "unknown command") {
		return false
	}
	flags := map[string]bool{}
	for _, m := range helpFlag.FindAllStringSubmatch(stderr.String(), -1) {
		flags[m[1]] = true
	}
	for _, name := range helpEnv.FindAllString(stderr.String(), -1) {
		h.env[name] = true
	}
	h.flags[path] = flags
	return true
}

// resolve splits a command line into its verb path ("run", "report diff")
// and the rest.
func (h *cliHelp) resolve(args []string) (path string, rest []string, err error) {
	if len(args) == 0 {
		return "", nil, errors.New("no verb")
	}
	n := 1
	switch {
	case args[0] == "report":
		if len(args) < 2 {
			return "", nil, errors.New("report needs a sub-verb")
		}
		n = 2
	case args[0] == "certify" && len(args) > 1 && args[1] == "verify":
		n = 2
	}
	path = strings.Join(args[:n], " ")
	if !h.help(path) {
		return path, nil, fmt.Errorf("this build has no verb %q", path)
	}
	return path, args[n:], nil
}

func (h *cliHelp) checkFlags(path string, args []string) error {
	var errs []error
	for _, arg := range args {
		if arg == "--" {
			break
		}
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if h.flags[path][name] {
			continue
		}
		errs = append(errs, fmt.Errorf("%s has no flag --%s (it has %s)", path, name, strings.Join(sortedKeys(h.flags[path]), ", ")))
	}
	return errors.Join(errs...)
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// recipeEnv is a variable a recipe sets for the commands it runs.
type recipeEnv struct{ where, name string }

func envOf(where string, m map[string]string) []recipeEnv {
	var out []recipeEnv
	for _, name := range sortedKeys(toSet(m)) {
		out = append(out, recipeEnv{where, name})
	}
	return out
}

func toSet(m map[string]string) map[string]bool {
	out := map[string]bool{}
	for k := range m {
		out[k] = true
	}
	return out
}

func recipeRoot(t *testing.T) string {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// decodeYAML decodes one YAML file into v; a file that does not parse
// fails the test with its line.
func decodeYAML(t *testing.T, root, file string, v any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, file))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

// GitHub Actions.

type githubWorkflow struct {
	Env  map[string]string `yaml:"env"`
	Jobs map[string]struct {
		Env      map[string]string `yaml:"env"`
		Strategy struct {
			Matrix map[string]any `yaml:"matrix"`
		} `yaml:"strategy"`
		Steps []struct {
			Name string            `yaml:"name"`
			Run  string            `yaml:"run"`
			Env  map[string]string `yaml:"env"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

var githubShard = regexp.MustCompile(`--shard[ =]\$\{\{ *matrix\.shard *\}\}/(\d+)`)

func githubCalls(t *testing.T, root, file string) ([]recipeCall, []recipeEnv) {
	var wf githubWorkflow
	decodeYAML(t, root, file, &wf)
	if len(wf.Jobs) == 0 {
		t.Errorf("%s: no jobs", file)
	}
	calls, envs := []recipeCall(nil), envOf(file, wf.Env)
	for id, job := range wf.Jobs {
		where := file + ": job " + id
		envs = append(envs, envOf(where, job.Env)...)
		for _, step := range job.Steps {
			envs = append(envs, envOf(where, step.Env)...)
			for _, args := range shellCalls(step.Run) {
				calls = append(calls, recipeCall{where, args})
			}
			// A sharded job runs --shard ${{ matrix.shard }}/N with the
			// matrix's shards exactly 1..N.
			if m := githubShard.FindStringSubmatch(step.Run); m != nil {
				n, _ := strconv.Atoi(m[1])
				var want []any
				for i := 1; i <= n; i++ {
					want = append(want, i)
				}
				if got := job.Strategy.Matrix["shard"]; !slices.Equal(anySlice(got), want) {
					t.Errorf("%s: --shard …/%d, but matrix.shard is %v, not %v", where, n, got, want)
				}
			}
		}
	}
	return calls, envs
}

func anySlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// GitLab CI.

type gitlabJob struct {
	Extends      any               `yaml:"extends"`
	Script       gitlabScript      `yaml:"script"`
	BeforeScript gitlabScript      `yaml:"before_script"`
	AfterScript  gitlabScript      `yaml:"after_script"`
	Variables    map[string]string `yaml:"variables"`
	Parallel     any               `yaml:"parallel"`
	Needs        []any             `yaml:"needs"`
	When         string            `yaml:"when"`
	Artifacts    struct {
		Paths   []string `yaml:"paths"`
		When    string   `yaml:"when"`
		Reports struct {
			JUnit any `yaml:"junit"`
		} `yaml:"reports"`
	} `yaml:"artifacts"`
}

// gitlabScript is a script: one line, or a list of lines.
type gitlabScript []string

func (s *gitlabScript) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*s = gitlabScript{n.Value}
		return nil
	}
	var lines []string
	err := n.Decode(&lines)
	*s = lines
	return err
}

// gitlabKeywords are the top-level keys that are not jobs.
var gitlabKeywords = map[string]bool{"default": true, "include": true, "stages": true, "variables": true, "workflow": true, "image": true, "services": true, "cache": true, "before_script": true, "after_script": true}

func gitlabCalls(t *testing.T, root, file string) ([]recipeCall, []recipeEnv) {
	var top map[string]yaml.Node
	decodeYAML(t, root, file, &top)
	var vars map[string]string
	if n, ok := top["variables"]; ok {
		if err := n.Decode(&vars); err != nil {
			t.Errorf("%s: variables: %v", file, err)
		}
	}
	calls, envs := []recipeCall(nil), envOf(file, vars)
	jobs := map[string]gitlabJob{}
	for name, node := range top {
		if gitlabKeywords[name] {
			continue
		}
		var job gitlabJob
		if err := node.Decode(&job); err != nil {
			t.Errorf("%s: job %s: %v", file, name, err)
			continue
		}
		jobs[name] = job
		where := file + ": job " + name
		envs = append(envs, envOf(where, job.Variables)...)
		for _, script := range []gitlabScript{job.BeforeScript, job.Script, job.AfterScript} {
			for _, line := range script {
				for _, args := range shellCalls(line) {
					calls = append(calls, recipeCall{where, args})
				}
			}
		}
	}
	// The shards: one job, parallel N, its shard from CI_NODE_INDEX and
	// CI_NODE_TOTAL (no --shard); the merge: after every shard, whatever
	// their verdict, publishing the merged junit.xml.
	var sharded, merge string
	for name, job := range jobs {
		for _, line := range job.Script {
			for _, args := range shellCalls(line) {
				switch {
				case len(args) > 0 && args[0] == "run":
					sharded = name
					if n, ok := job.Parallel.(int); !ok || n < 2 {
						t.Errorf("%s: job %s runs the cases with parallel %v, want a number of shards", file, name, job.Parallel)
					}
					if slices.ContainsFunc(args, func(a string) bool { return strings.HasPrefix(a, "--shard") }) {
						t.Errorf("%s: job %s gives --shard: CI_NODE_INDEX and CI_NODE_TOTAL say it", file, name)
					}
				case len(args) > 1 && args[0] == "report" && args[1] == "merge":
					merge = name
				}
			}
		}
	}
	if sharded == "" || merge == "" {
		t.Fatalf("%s: want a job that runs the shards (%q) and one that merges them (%q)", file, sharded, merge)
	}
	job := jobs[merge]
	if !slices.ContainsFunc(job.Needs, func(n any) bool {
		m, _ := n.(map[string]any)
		return n == sharded || m != nil && m["job"] == sharded
	}) {
		t.Errorf("%s: job %s does not need %s", file, merge, sharded)
	}
	if job.When != "always" || job.Artifacts.When != "always" || job.Artifacts.Reports.JUnit == nil {
		t.Errorf("%s: job %s: when %q, artifacts when %q, junit %v: want always, always and the merged junit.xml", file, merge, job.When, job.Artifacts.When, job.Artifacts.Reports.JUnit)
	}
	if jobs[sharded].Artifacts.When != "always" {
		t.Errorf("%s: job %s keeps its reports only when it passes", file, sharded)
	}
	return calls, envs
}

// Kubernetes.

type k8sObject struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Spec struct {
		CompletionMode string `yaml:"completionMode"`
		Completions    *int   `yaml:"completions"`
		Parallelism    *int   `yaml:"parallelism"`
		Template       struct {
			Spec struct {
				Containers []k8sContainer `yaml:"containers"`
			} `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

type k8sContainer struct {
	Name    string   `yaml:"name"`
	Command []string `yaml:"command"`
	Args    []string `yaml:"args"`
	Env     []struct {
		Name  string `yaml:"name"`
		Value string `yaml:"value"`
	} `yaml:"env"`
}

// k8sRecipe is what the Kubernetes manifests say of the shards: how many
// the indexed Job runs, and which folders the merge Job merges.
type k8sRecipe struct {
	shards     int
	reportDir  string // the run's --report-dir, with $(JOB_COMPLETION_INDEX)
	mergeWhere string
	merged     []string
}

func (k *k8sRecipe) read(t *testing.T, root, file string) ([]recipeCall, []recipeEnv) {
	data, err := os.ReadFile(filepath.Join(root, file))
	if err != nil {
		t.Fatal(err)
	}
	var calls []recipeCall
	var envs []recipeEnv
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var obj k8sObject
		if err := dec.Decode(&obj); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if obj.Kind != "Job" {
			continue
		}
		where := file + ": Job " + obj.Metadata.Name
		for _, c := range obj.Spec.Template.Spec.Containers {
			// The image's entrypoint is shopconform: args are its arguments.
			if len(c.Command) > 0 {
				t.Errorf("%s: container %s overrides the image's entrypoint with %q", where, c.Name, c.Command)
				continue
			}
			calls = append(calls, recipeCall{where, c.Args})
			env := map[string]string{}
			for _, e := range c.Env {
				envs = append(envs, recipeEnv{where, e.Name})
				env[e.Name] = e.Value
			}
			switch {
			case len(c.Args) > 0 && c.Args[0] == "run":
				k.shards, k.reportDir = checkIndexedJob(t, where, obj, c, env)
			case len(c.Args) > 1 && c.Args[0] == "report" && c.Args[1] == "merge":
				k.mergeWhere, k.merged = where, mergedDirs(c.Args[2:])
			}
		}
	}
	return calls, envs
}

// checkIndexedJob: an Indexed Job whose completions, parallelism and
// SHOPCONFORM_SHARD_TOTAL agree, each pod writing to its own folder; it
// returns the shard count and that folder.
func checkIndexedJob(t *testing.T, where string, obj k8sObject, c k8sContainer, env map[string]string) (shards int, reportDir string) {
	total, err := strconv.Atoi(env["SHOPCONFORM_SHARD_TOTAL"])
	if err != nil {
		t.Errorf("%s: SHOPCONFORM_SHARD_TOTAL %q is not a number", where, env["SHOPCONFORM_SHARD_TOTAL"])
	}
	s := obj.Spec
	if s.CompletionMode != "Indexed" || s.Completions == nil || s.Parallelism == nil || *s.Completions != total || *s.Parallelism != total {
		t.Errorf("%s: completionMode %q, completions %v, parallelism %v: want Indexed, and both %d (SHOPCONFORM_SHARD_TOTAL)", where, s.CompletionMode, ptrString(s.Completions), ptrString(s.Parallelism), total)
	}
	if i := slices.Index(c.Args, "--report-dir"); i >= 0 && i+1 < len(c.Args) {
		reportDir = c.Args[i+1]
	}
	if !strings.Contains(reportDir, "$(JOB_COMPLETION_INDEX)") {
		t.Errorf("%s: --report-dir %q: the shards would share one report folder; name it by $(JOB_COMPLETION_INDEX)", where, reportDir)
	}
	return total, reportDir
}

// mergedDirs are the shard folders of report merge's arguments.
func mergedDirs(args []string) []string {
	var dirs []string
	for i := 0; i < len(args); i++ {
		if args[i] == "--out" {
			i++
			continue
		}
		dirs = append(dirs, args[i])
	}
	return dirs
}

// check: the merge Job merges one folder per shard, 0 to N-1.
func (k *k8sRecipe) check(t *testing.T) {
	if k.shards == 0 || k.mergeWhere == "" {
		t.Errorf("the Kubernetes manifests want an indexed Job that runs the cases (%d shards) and a Job that merges them (%q)", k.shards, k.mergeWhere)
		return
	}
	var want []string
	for i := range k.shards {
		want = append(want, strings.ReplaceAll(k.reportDir, "$(JOB_COMPLETION_INDEX)", strconv.Itoa(i)))
	}
	if !slices.Equal(k.merged, want) {
		t.Errorf("%s: merges %q, want the indexed Job's %d shards %q", k.mergeWhere, k.merged, k.shards, want)
	}
}

func ptrString(p *int) string {
	if p == nil {
		return "unset"
	}
	return strconv.Itoa(*p)
}

// fencedShell returns the ```sh blocks of a Markdown text.
func fencedShell(md string) []string {
	var blocks []string
	var block strings.Builder
	in := false
	for _, line := range strings.Split(md, "\n") {
		switch trimmed := strings.TrimSpace(line); {
		case !in && (trimmed == "```sh" || trimmed == "```bash" || trimmed == "```shell"):
			in = true
		case in && trimmed == "```":
			blocks, in = append(blocks, block.String()), false
			block.Reset()
		case in:
			block.WriteString(line + "\n")
		}
	}
	return blocks
}

// TestCIRecipesUseGoModsGo: the golang images the recipes build with are
// go.mod's Go release.
func TestCIRecipesUseGoModsGo(t *testing.T) {
	root := recipeRoot(t)
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(gomod)
	if m == nil {
		t.Fatal("go.mod has no go line")
	}
	image := regexp.MustCompile(`golang:(\d+\.\d+(?:\.\d+)?)`)
	for _, file := range []string{"Dockerfile", "ci/gitlab/shopconform.gitlab-ci.yml"} {
		data, err := os.ReadFile(filepath.Join(root, file))
		if err != nil {
			t.Fatal(err)
		}
		found := image.FindAllSubmatch(data, -1)
		if len(found) == 0 {
			t.Errorf("%s names no golang image", file)
		}
		for _, f := range found {
			if string(f[1]) != string(m[1]) {
				t.Errorf("%s builds with golang:%s, go.mod says go %s", file, f[1], m[1])
			}
		}
	}
}
