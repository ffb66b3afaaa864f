import { describe, expect, it } from 'vitest';
import { needsLink, webuiHref } from './webui-access';

describe('webuiHref', () => {
  it('keeps tailnet and public addresses; a local one on the host the page came from', () => {
    const tailnet = { kind: 'tailnet', url: 'http://podpilot-1:8188/', ssh: 'ssh root@podpilot-1' } as const;
    expect(webuiHref(tailnet, 'hub.example')).toBe('http://podpilot-1:8188/');
    expect(webuiHref({ kind: 'local', url: 'http://127.0.0.1:51000/', ssh: null }, 'gpu-box')).toBe(
      'http://gpu-box:51000/',
    );
    expect(webuiHref({ kind: 'public', url: null, ssh: null }, 'x')).toBeNull();
    expect(webuiHref(null, 'x')).toBeNull();
  });

  it('asks for a link only for public addresses', () => {
    expect(needsLink({ kind: 'public', url: 'http://203.0.113.7:40000/', ssh: null })).toBe(true);
    expect(needsLink({ kind: 'tailnet', url: 'http://podpilot-1:8188/', ssh: null })).toBe(false);
    expect(needsLink(null)).toBe(false);
  });
});
