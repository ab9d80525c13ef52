package service

import (
	"os"
	"testing"

	"github.com/leaktrace/leaktrace/internal/pgtest"
)

// TestMain stops the PostgreSQL server the tests on that store started.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
