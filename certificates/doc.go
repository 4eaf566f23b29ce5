// Package certificates renders IHK certificates and attendance confirmations
// as PDF from plain structs. It knows nothing of the database or of HTTP, so
// that rendering stays deterministic and testable on its own.
package certificates
