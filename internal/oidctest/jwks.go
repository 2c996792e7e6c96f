package oidctest

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// refreshEvery limits refetching an issuer's keys for unknown kids, so
// tokens with made-up kids cannot make us hammer the issuer.
const refreshEvery = time.Minute

// cache holds the key sets of every issuer VerifyWithJWKS has seen.
var cache = &keyCache{sets: map[string]*keySet{}}

type keyCache struct {
	mu   sync.Mutex
	sets map[string]*keySet
}

type keySet struct {
	keys    map[string]*rsa.PublicKey
	fetched time.Time
}

// keys returns the keys of issuer, fetching them when unknown or when kid
// is missing from a set older than refreshEvery.
func (c *keyCache) keys(ctx context.Context, client *http.Client, issuer, kid string) (map[string]*rsa.PublicKey, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	set := c.sets[issuer]
	if set != nil && (set.keys[kid] != nil || time.Since(set.fetched) < refreshEvery) {
		return set.keys, nil
	}
	keys, err := fetchKeys(ctx, client, issuer)
	if err != nil {
		if set != nil {
			// A stale set still verifies the tokens it can.
			return set.keys, nil
		}
		return nil, err
	}
	c.sets[issuer] = &keySet{keys: keys, fetched: time.Now()}
	return keys, nil
}

// fetchKeys reads issuer's discovery document, then the JWKS it names.
func fetchKeys(ctx context.Context, client *http.Client, issuer string) (map[string]*rsa.PublicKey, error) {
	var disc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := getJSON(ctx, client, strings.TrimSuffix(issuer, "/")+"/.well-known/openid-configuration", &disc); err != nil {
		return nil, err
	}
	if disc.Issuer != issuer || disc.JWKSURI == "" {
		return nil, fmt.Errorf("oidctest: discovery document of %s names issuer %q and jwks_uri %q", issuer, disc.Issuer, disc.JWKSURI)
	}
	var set struct {
		Keys []jwk `json:"keys"`
	}
	if err := getJSON(ctx, client, disc.JWKSURI, &set); err != nil {
		return nil, err
	}
	keys := map[string]*rsa.PublicKey{}
	for _, k := range set.Keys {
		if pub := k.rsaKey(); pub != nil && k.Kid != "" {
			keys[k.Kid] = pub
		}
	}
	return keys, nil
}

func getJSON(ctx context.Context, client *http.Client, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("oidctest: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("oidctest: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("oidctest: GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(v); err != nil {
		return fmt.Errorf("oidctest: GET %s: %w", url, err)
	}
	return nil
}
