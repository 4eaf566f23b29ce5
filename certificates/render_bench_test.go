package certificates

import "testing"

// BenchmarkRenderCertificate renders the sample certificate (the UTF-8
// font and the QR code included) as issuing does, once per document.
func BenchmarkRenderCertificate(b *testing.B) {
	c := sampleCertificate()
	for b.Loop() {
		if _, err := RenderCertificate(c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderConfirmation renders a confirmation of 15 sessions.
func BenchmarkRenderConfirmation(b *testing.B) {
	c := sampleConfirmation(15)
	for b.Loop() {
		if _, err := RenderConfirmation(c); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCertificatesInParallel renders the sample certificate on all
// of -cpu's processors at once, as issuing a cohort does: the documents
// share the parsed fonts and nothing else, so ns/op should fall with
// each processor added (-cpu 1,2,4).
func BenchmarkCertificatesInParallel(b *testing.B) {
	c := sampleCertificate()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := RenderCertificate(c); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
