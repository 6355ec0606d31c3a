package universal_test

import (
	"testing"

	_ "github.com/onsi/ginkgo/v2" // the ginkgo CLI recognises suites by this import

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/runner/conformance"
)

func TestUniversal(t *testing.T) { conformance.RunDomain(t, catalog.Universal) }
