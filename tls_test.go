package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// writeSelfSignedCert writes a certificate for 127.0.0.1 and its key as PEM files.
func writeSelfSignedCert(t *testing.T) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "kohorte test"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

func TestServeOverTLSSendsHSTS(t *testing.T) {
	t.Parallel()
	cert, key := writeSelfSignedCert(t)
	runningAtTLS := regexp.MustCompile(`is running at (https://\S+)`)
	args := append([]string{"--addr", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", key}, dbArgs(t)...)
	url, stop := startRunWith(t, runningAtTLS, args, nil)
	defer func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	}()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	resp, err := client.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET /healthz over TLS = %d, want 200", resp.StatusCode)
	}
	if hsts := resp.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(hsts, "max-age=") {
		t.Fatalf("GET /healthz over TLS: HSTS %q, want max-age=…", hsts)
	}
	if err := healthcheck(t.Context(), config{Addr: strings.TrimPrefix(url, "https://"), TLSCert: cert}); err != nil {
		t.Fatalf("healthcheck over TLS: %v", err)
	}
}

func TestBadTLSFilesExit2(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "none.pem")
	err := run(t.Context(), []string{"--addr", "127.0.0.1:0", "--tls-cert", missing, "--tls-key", missing}, env(nil), io.Discard)
	if code := exitCode(err); code != 2 {
		t.Fatalf("run = %v: exit code %d, want 2", err, code)
	}
	if want := "tls cert (--tls-cert, KOHORTE_TLS_CERT): cannot load the certificate and key"; !strings.Contains(err.Error(), want) {
		t.Fatalf("run = %v, want it to say %q", err, want)
	}
}
