// Package corpuscheck holds the tests that measure the reference sandbox
// against the fixture corpus rather than against api-reference.md: native
// fuzzing of its request path, seeded with every request the corpus gets
// accepted (FuzzRequestPath), and its mutation score, the share of
// single-rule mutants of the sandbox that the cases tell apart from it
// (BenchmarkMutationScore). The sandbox's own tests stay an independent
// reading of the docs and never read fixtures/; these live apart so that
// it stays so. refsandbox/README.md, "Fuzzing and the mutation score",
// says how to run them.
package corpuscheck
