package attest

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/go-openapi/runtime"
	httptransport "github.com/go-openapi/runtime/client"
	"github.com/go-openapi/strfmt"
	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	rekorclient "github.com/sigstore/rekor/pkg/generated/client"
	"github.com/sigstore/sigstore-go/pkg/sign"
)

// newRekor returns sigstore-go's Rekor v1 writer, talking through
// s.HTTP. sigstore-go would otherwise build its own HTTP client, which
// neither tests nor the caller's user agent and retry policy could reach.
func (s *Signer) newRekor() (sign.Transparency, error) {
	base := s.RekorURL
	if base == "" {
		base = ProductionRekorURL
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("bad Rekor URL: %w", err)
	}
	if u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("bad Rekor URL %q: want http(s)://host[/path]", base)
	}
	path := u.Path
	if path == "" {
		path = rekorclient.DefaultBasePath
	}
	hc := s.HTTP
	if hc == nil {
		hc = &http.Client{}
	}
	rt := httptransport.NewWithClient(u.Host, path, []string{u.Scheme}, hc)
	rt.Consumers[runtime.JSONMime] = runtime.JSONConsumer()
	rt.Producers[runtime.JSONMime] = runtime.JSONProducer()
	client := rekorclient.New(rt, strfmt.Default)
	return rekorStep{sign.NewRekor(&sign.RekorOptions{
		BaseURL: base,
		// A set timeout also keeps sign.Rekor from writing its default
		// into the shared options from concurrent calls.
		Timeout: requestTimeout,
		Client:  client.Entries,
		Version: 1,
	})}, nil
}

// rekorStep marks the errors of the transparency log call, which
// sign.Bundle passes up unwrapped among its own.
type rekorStep struct{ log sign.Transparency }

func (r rekorStep) GetTransparencyLogEntry(ctx context.Context, keyOrCertPEM []byte, b *protobundle.Bundle) error {
	if err := r.log.GetTransparencyLogEntry(ctx, keyOrCertPEM, b); err != nil {
		return &Error{Step: StepRekor, Err: err}
	}
	return nil
}
