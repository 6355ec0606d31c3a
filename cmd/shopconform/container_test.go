package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/shopconform/shopconform/runner/results"
)

// TestContainerImage builds the repository's Dockerfile with podman and
// runs the image: `version` answers the same line as this build, and
// `run --domains universal`, without a network, on a read-only root, as the
// image's non-root user, writes passing reports into a mounted folder.
//
// No base image is pulled (--pull=never): when the Dockerfile's GO_IMAGE
// or BASE_IMAGE is not on the machine, the test builds a stand-in from
// this machine's Go toolchain (the Go tree, CA certificates, /tmp) or a
// distroless-like base (a nonroot user, /tmp, CA certificates), and the
// build needs only the Go module proxy. Stand-ins are kept for the next
// run; the image built is removed.
func TestContainerImage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a container image")
	}
	t.Parallel() // beside the other tests that start processes, as TestTheBuiltBinaryWorksAlone
	podman, err := exec.LookPath("podman")
	if err != nil {
		t.Skip("podman not found: this test builds and runs the image with podman (Debian package podman); Docker's client without an engine cannot")
	}
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	p := podmanCLI{t: t, ctx: ctx, bin: podman}
	if _, err := p.output("info", "--format", "{{.Host.OCIRuntime.Name}}"); err != nil {
		t.Skipf("podman is installed but cannot work here: %v", err)
	}
	goImage, baseImage := dockerfileArg(t, root, "GO_IMAGE"), dockerfileArg(t, root, "BASE_IMAGE")
	if !p.imageExists(goImage) {
		goImage = p.standIn("localhost/shopconform-test-go:"+runtime.Version(), goStandIn(t),
			"ENV PATH=/usr/local/go/bin:/go/bin:/usr/bin:/bin", "ENV GOPATH=/go", "ENV HOME=/root")
	}
	if !p.imageExists(baseImage) {
		baseImage = p.standIn("localhost/shopconform-test-static:1", staticStandIn(t), "USER 65532", "WORKDIR /home/nonroot")
	}

	// No intermediate images are kept (--layers=false): the Dockerfile's
	// cache mounts keep modules and compiled packages from run to run. A
	// tag of this process's own: checkouts on one machine test at once.
	image := fmt.Sprintf("localhost/shopconform:test-%d", os.Getpid())
	build := []string{"build", "--pull=never", "--layers=false", "--tag", image,
		"--build-arg", "GO_IMAGE=" + goImage, "--build-arg", "BASE_IMAGE=" + baseImage}
	for _, name := range []string{"GOPROXY", "GOSUMDB"} {
		if v := goEnv(t, name); v != "" {
			build = append(build, "--build-arg", name+"="+v)
		}
	}
	start := time.Now()
	if out, err := p.output(append(build, root)...); err != nil {
		t.Fatalf("podman build: %v\n%s", err, lastLines(out, 30))
	}
	t.Cleanup(func() { exec.Command(podman, "rmi", image).Run() })
	t.Logf("built %s in %s (GO_IMAGE %s, BASE_IMAGE %s)", image, time.Since(start).Round(time.Second), goImage, baseImage)

	if user, err := p.output("image", "inspect", "--format", "{{.Config.User}}", image); err != nil || strings.TrimSpace(user) != "65532:65532" {
		t.Errorf("the image's user is %q (%v), want the non-root 65532:65532", strings.TrimSpace(user), err)
	}

	_, wantVersion, _ := runCLI(t, "version")
	if got, err := p.output("run", "--rm", "--network=none", image, "version"); err != nil || got != wantVersion {
		t.Errorf("version in the container: %q (%v), want %q", got, err, wantVersion)
	}

	reports := t.TempDir()
	if err := os.Chmod(reports, 0o777); err != nil { // the image's user writes here
		t.Fatal(err)
	}
	if rootless, _ := p.output("info", "--format", "{{.Host.Security.Rootless}}"); strings.TrimSpace(rootless) == "true" {
		// The container's user is one of this user's subordinate ids
		// here: only inside the user namespace can its files be removed.
		t.Cleanup(func() { exec.Command(podman, "unshare", "rm", "-rf", reports).Run() })
	}
	// As ci/kubernetes runs it: a read-only root (podman mounts a fresh
	// /tmp), no network, the image's own user.
	out, err := p.output("run", "--rm", "--network=none", "--read-only", "--volume", reports+":/home/nonroot/reports:Z", image, "run", "--domains", "universal")
	if err != nil {
		t.Fatalf("run --domains universal in the container: %v\n%s", err, lastLines(out, 30))
	}
	rep, err := results.ReadReport(filepath.Join(reports, "results.json"))
	if err != nil {
		t.Fatalf("the mounted folder: %v\n%s", err, out)
	}
	if !rep.Complete || rep.Target != "reference" || rep.Statistics.Total == 0 || rep.Statistics.Pass+rep.Statistics.Skipped != rep.Statistics.Total {
		t.Errorf("results.json: target %s, complete %v, statistics %+v", rep.Target, rep.Complete, rep.Statistics)
	}
	t.Logf("the run in the container: %+v", rep.Statistics)
	for _, c := range rep.Cases {
		if c.Domain != "universal" {
			t.Errorf("case %s of domain %s in a run of universal", c.ID, c.Domain)
			break
		}
	}
	for _, f := range []string{"junit.xml", "summary.md", "report.html"} {
		if _, err := os.Stat(filepath.Join(reports, f)); err != nil {
			t.Errorf("the run in the container did not write %s: %v", f, err)
		}
	}
}

// podmanCLI runs podman for a test.
type podmanCLI struct {
	t   *testing.T
	ctx context.Context
	bin string
}

// output runs podman and returns its standard output; on an error, the
// error carries standard error's last lines.
func (p podmanCLI) output(args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(p.ctx, p.bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.String(), fmt.Errorf("podman %s: %w: %s", args[0], err, lastLines(stderr.String(), 20))
	}
	return stdout.String(), nil
}

func (p podmanCLI) imageExists(name string) bool {
	return exec.CommandContext(p.ctx, p.bin, "image", "exists", name).Run() == nil
}

// standIn imports an image from the tar stream write produces, with the
// given Dockerfile instructions as its configuration, unless it is there
// already.
func (p podmanCLI) standIn(name string, write func(*tar.Writer) error, changes ...string) string {
	p.t.Helper()
	if p.imageExists(name) {
		return name
	}
	pr, pw := io.Pipe()
	go func() {
		tw := tar.NewWriter(pw)
		err := write(tw)
		if err == nil {
			err = tw.Close()
		}
		pw.CloseWithError(err)
	}()
	args := []string{"import"}
	for _, c := range changes {
		args = append(args, "--change", c)
	}
	cmd := exec.CommandContext(p.ctx, p.bin, append(args, "-", name)...)
	cmd.Stdin = pr
	if out, err := cmd.CombinedOutput(); err != nil {
		pr.CloseWithError(err)
		p.t.Fatalf("podman import %s: %v\n%s", name, err, out)
	}
	p.t.Logf("imported the stand-in %s", name)
	return name
}

// goStandIn is a Go builder image from this machine: its Go tree at
// /usr/local/go, CA certificates for the module proxy, and /tmp.
func goStandIn(t *testing.T) func(*tar.Writer) error {
	goroot := goEnv(t, "GOROOT")
	certs := caCertificates(t)
	return func(tw *tar.Writer) error {
		for _, err := range []error{
			tarDir(tw, "tmp/", 0o1777, 0), tarDir(tw, "root/", 0o700, 0), tarDir(tw, "go/", 0o755, 0),
			tarFile(tw, "etc/ssl/certs/ca-certificates.crt", certs, 0o644, 0),
		} {
			if err != nil {
				return err
			}
		}
		return tarTree(tw, goroot, "usr/local/go")
	}
}

// staticStandIn stands in for distroless static: a nonroot user (65532)
// with a home, /tmp, CA certificates.
func staticStandIn(t *testing.T) func(*tar.Writer) error {
	certs := caCertificates(t)
	return func(tw *tar.Writer) error {
		for _, err := range []error{
			tarDir(tw, "tmp/", 0o1777, 0), tarDir(tw, "home/nonroot/", 0o700, 65532),
			tarFile(tw, "etc/passwd", []byte("root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"), 0o644, 0),
			tarFile(tw, "etc/group", []byte("root:x:0:\nnonroot:x:65532:\n"), 0o644, 0),
			tarFile(tw, "etc/ssl/certs/ca-certificates.crt", certs, 0o644, 0),
		} {
			if err != nil {
				return err
			}
		}
		return nil
	}
}

func caCertificates(t *testing.T) []byte {
	t.Helper()
	for _, f := range []string{"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"} {
		if data, err := os.ReadFile(f); err == nil {
			return data
		}
	}
	t.Skip("no CA certificate bundle on this machine for the stand-in builder image")
	return nil
}

func tarDir(tw *tar.Writer, name string, mode int64, owner int) error {
	return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name, Mode: mode, Uid: owner, Gid: owner})
}

func tarFile(tw *tar.Writer, name string, data []byte, mode int64, owner int) error {
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(data)), Uid: owner, Gid: owner}); err != nil {
		return err
	}
	_, err := tw.Write(data)
	return err
}

// tarTree adds the tree at dir under prefix, owned by root.
func tarTree(tw *tar.Writer, dir, prefix string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		link := ""
		if info.Mode()&fs.ModeSymlink != 0 {
			if link, err = os.Readlink(path); err != nil {
				return err
			}
		}
		hdr, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		hdr.Name = filepath.ToSlash(filepath.Join(prefix, rel))
		if d.IsDir() {
			hdr.Name += "/"
		}
		hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = 0, 0, "", ""
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if !info.Mode().IsRegular() {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(tw, f)
		return err
	})
}

// lastLines is the end of a command's output, for a failure message.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// dockerfileArg is the default of a global ARG of the Dockerfile.
func dockerfileArg(t *testing.T, root, name string) string {
	t.Helper()
	f, err := os.Open(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "ARG "+name+"="); ok {
			return v
		}
	}
	t.Fatalf("the Dockerfile has no ARG %s=…", name)
	return ""
}

func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}
