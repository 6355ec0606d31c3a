package upload_test

import (
	"testing"

	_ "github.com/onsi/ginkgo/v2" // the ginkgo CLI recognises suites by this import

	"github.com/shopconform/shopconform/catalog"
	"github.com/shopconform/shopconform/runner/conformance"
)

func TestUpload(t *testing.T) { conformance.RunDomain(t, catalog.Upload) }
