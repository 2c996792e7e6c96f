package pypitest

import (
	"encoding/json"
	"io"
	"net/http"
)

// serveBurn answers POST /_/oidc/burn-token as Warehouse does since
// pypi/warehouse#20197: the body {"token": "<minted token>"} revokes that
// token, and the answer is 202 whatever the token, so that the endpoint
// tells nobody which tokens exist. Only minted (expiring) tokens burn.
func (i *Index) serveBurn(w http.ResponseWriter, r *http.Request) {
	if i.trustedPublishing() == TrustedPublishingAbsent || i.noBurn.Load() {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		http.Error(w, "405 Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxMintBody))
	var req struct {
		Token string `json:"token"`
	}
	_ = json.Unmarshal(body, &req)
	i.mu.Lock()
	i.tp.burnRequests++
	if id, ok := i.tokens[req.Token]; ok && !id.expires.IsZero() {
		delete(i.tokens, req.Token)
		i.tp.burned++
	}
	i.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
}

// Burned returns how many minted tokens were revoked through burn-token,
// and how many burn requests came.
func (i *Index) Burned() (burned, requests int) {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.tp.burned, i.tp.burnRequests
}

// DisableBurn makes burn-token answer 404, as an index without the
// endpoint does.
func (i *Index) DisableBurn(off bool) { i.noBurn.Store(off) }
