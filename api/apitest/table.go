package apitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Row is one request of a table test and what it must answer.
//
// The response body is decoded into a fresh value of Want's type and
// compared with Want by cmp.Diff, so a row compares exactly the fields its
// type declares: decode into a small struct of the fields that matter, not
// into the handler's own type. Fields that vary from run to run (ids,
// timestamps, request IDs) are left out of that struct, or ignored with
// Opts (cmpopts.IgnoreFields). A nil Want leaves the body unchecked.
type Row struct {
	Name string
	// Who calls: a session cookie, an API token (sent as a Bearer
	// token), or neither for an anonymous request.
	Cookie *http.Cookie
	Token  string

	Method string
	Path   string
	Body   any // marshalled to JSON; nil sends no body

	Status int
	Want   any
	Opts   []cmp.Option
	// Check, if set, makes further assertions on the response, for what a
	// decoded value cannot say (headers, raw bytes).
	Check func(t *testing.T, r *Response)
}

// Run sends each row's request in order, each as a subtest named after
// the row, and fails the subtest if the status differs from Status or the
// decoded body from Want. Rows run one after another on the same handler,
// so a row sees what the rows before it changed. Run reports whether
// every row passed.
func (c *Client) Run(t *testing.T, rows []Row) bool {
	t.Helper()
	ok := true
	for _, row := range rows {
		ok = t.Run(row.Name, func(t *testing.T) {
			t.Helper()
			sub := *c
			sub.t = t
			r := sub.DoWith(row.Method, row.Path, row.Body, func(req *http.Request) {
				if row.Cookie != nil {
					req.AddCookie(row.Cookie)
				}
				if row.Token != "" {
					req.Header.Set("Authorization", "Bearer "+row.Token)
				}
			})
			if r.Status != row.Status {
				t.Fatalf("%s %s: status %d, want %d\nbody: %s", row.Method, row.Path, r.Status, row.Status, r.Body)
			}
			if diff, err := row.diff(r.Body); err != nil {
				t.Fatalf("%s %s: %v", row.Method, row.Path, err)
			} else if diff != "" {
				t.Errorf("%s %s: body mismatch (-want +got):\n%s", row.Method, row.Path, diff)
			}
			if row.Check != nil {
				row.Check(t, r)
			}
		}) && ok
	}
	return ok
}

// diff decodes body into a fresh value of Want's type and returns
// cmp.Diff(Want, got); it returns "" when the row has no Want.
func (row Row) diff(body []byte) (string, error) {
	if row.Want == nil {
		return "", nil
	}
	got := reflect.New(reflect.TypeOf(row.Want))
	if err := json.Unmarshal(body, got.Interface()); err != nil {
		return "", fmt.Errorf("decode %s: %w", body, err)
	}
	return cmp.Diff(row.Want, got.Elem().Interface(), row.Opts...), nil
}

// NonEmpty decodes a JSON string as whether it is non-empty, for a row
// that must see a value it cannot know in advance: a Want of true asserts
// that the string is there and not "".
type NonEmpty bool

// UnmarshalJSON implements json.Unmarshaler.
func (n *NonEmpty) UnmarshalJSON(b []byte) error {
	var s *string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*n = s != nil && *s != ""
	return nil
}
