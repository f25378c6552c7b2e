package gateway

import (
	"context"
	"strings"
	"sync"
	"time"
)

// agentDirectory is where the token index learns who holds which token.
// The SQLite store answers both from its file; a store shared by several
// gateways would bump its revision when told of a change (PostgreSQL's
// LISTEN/NOTIFY), so that every instance drops a revoked token at once.
type agentDirectory interface {
	// activeAgents is every active agent, by its token's hash.
	activeAgents(ctx context.Context) (map[string]string, error)
	// agentsRevision changes whenever the agents may have changed: cheap
	// to ask (local is free; shared costs a look at the store).
	agentsRevision(ctx context.Context, shared bool) (revision, error)
}

// revision tells two states of the agents apart: local counts the changes
// made through this process, shared the commits of others to the store.
type revision struct{ local, shared int64 }

// revisionCheck is how often the index asks the store whether another
// process changed the agents (chargedesk gateway agent revoke writes the
// same file): a token revoked there is refused within this time.
const revisionCheck = time.Second

// tokenIndex verifies agent tokens from memory: the SHA-256 of each active
// agent's token, loaded from the directory and loaded again when its
// revision changes. A change made through this process is seen at the
// next request, another process's within revisionCheck.
type tokenIndex struct {
	dir agentDirectory
	now func() time.Time

	mu      sync.Mutex
	byHash  map[string]string // nil: not loaded
	rev     revision
	checked time.Time // when the shared revision was last asked
}

func newTokenIndex(dir agentDirectory, now func() time.Time) *tokenIndex {
	return &tokenIndex{dir: dir, now: now}
}

// agent is the name of the active agent whose token this is:
// ErrUnknownToken when there is none, another error when the store cannot
// tell (and the index was never loaded).
func (x *tokenIndex) agent(ctx context.Context, token string) (string, error) {
	if !strings.HasPrefix(token, TokenPrefix) {
		return "", ErrUnknownToken
	}
	byHash, err := x.current(ctx)
	if err != nil {
		return "", err
	}
	if name, ok := byHash[hashToken(token)]; ok {
		return name, nil
	}
	return "", ErrUnknownToken
}

// current is the index as it is now, loaded again when the agents changed.
func (x *tokenIndex) current(ctx context.Context) (map[string]string, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	now := x.now()
	shared := x.byHash == nil || now.Sub(x.checked) >= revisionCheck || now.Before(x.checked)
	rev, err := x.dir.agentsRevision(ctx, shared)
	switch {
	case err != nil && x.byHash == nil:
		return nil, err
	case err != nil:
		return x.byHash, nil // the store cannot tell now: the last known agents, asked again next time
	}
	if !shared {
		rev.shared = x.rev.shared
	} else {
		x.checked = now
	}
	if x.byHash != nil && rev == x.rev {
		return x.byHash, nil
	}
	byHash, err := x.dir.activeAgents(ctx)
	if err != nil {
		if x.byHash == nil {
			return nil, err
		}
		return x.byHash, nil
	}
	x.byHash, x.rev = byHash, rev
	return byHash, nil
}
