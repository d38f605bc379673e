import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { loadPolicyFile } from '../../../src/config/load.js';

/**
 * deploy/kubernetes, validated offline: every YAML file parses; every object has its kind's
 * required fields; references between objects resolve (volumes, ConfigMaps from the kustomize
 * generators, Secrets, probe ports, selectors); the sidecar follows the checklist; the
 * kustomizations only name files that exist; the policies in them load.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const K8S = join(ROOT, 'deploy/kubernetes');

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

const files = yamlFiles(K8S);
const isKustomization = (path: string) => /kustomization\.ya?ml$/.test(path);
const isPolicy = (path: string) => /(^|\/)policy\.ya?ml$/.test(path);

interface Loaded {
  readonly file: string;
  readonly obj: Obj;
}

function documents(file: string): Obj[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  for (const doc of docs) if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
  return docs.map((d) => d.toJS() as Obj).filter((o) => o !== null);
}

/** Strategic merge patches are partial objects: checked against their targets below. */
const patchFiles = new Set(
  files.filter(isKustomization).flatMap((k) => (((parse(readFileSync(k, 'utf8')) as Obj)['patches'] ?? []) as Obj[]).map((p) => join(dirname(k), p['path'] as string))),
);
const manifests: Loaded[] = files.filter((f) => !isKustomization(f) && !isPolicy(f) && !patchFiles.has(f)).flatMap((file) => documents(file).map((obj) => ({ file: relative(ROOT, file), obj })));
const byKind = (kind: string) => manifests.filter((m) => m.obj['kind'] === kind);

/** Which manifests a kustomization directory renders (its resources, recursively through bases). */
function kustomizationObjects(dir: string): Loaded[] {
  const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Obj;
  return ((k['resources'] ?? []) as string[]).flatMap((r) => {
    const path = join(dir, r);
    if (statSync(path).isDirectory()) return kustomizationObjects(path);
    return documents(path).map((obj) => ({ file: relative(ROOT, path), obj }));
  });
}

function generatedConfigMaps(dir: string): string[] {
  const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Obj;
  const own = ((k['configMapGenerator'] ?? []) as Obj[]).map((g) => g['name'] as string);
  const inherited = ((k['resources'] ?? []) as string[]).filter((r) => statSync(join(dir, r)).isDirectory()).flatMap((r) => generatedConfigMaps(join(dir, r)));
  return [...own, ...inherited];
}

function podSpecs(): { file: string; name: string; labels: Obj; spec: Obj }[] {
  return byKind('Deployment').map((d) => ({ file: d.file, name: d.obj['metadata']['name'], labels: d.obj['spec']['template']['metadata']['labels'], spec: d.obj['spec']['template']['spec'] }));
}

const allContainers = (spec: Obj): Obj[] => [...(spec['initContainers'] ?? []), ...(spec['containers'] ?? [])];
const envOf = (c: Obj): Map<string, Obj> => new Map(((c['env'] ?? []) as Obj[]).map((e) => [e['name'] as string, e]));
const matches = (selector: Obj, labels: Obj) => Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('deploy/kubernetes manifests', () => {
  it('every YAML file parses', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const file of files) expect(() => documents(file), file).not.toThrow();
  });

  it('every object names its apiVersion, kind and metadata.name, of a kind this example expects', () => {
    const known = new Map([
      ['Deployment', 'apps/v1'],
      ['Service', 'v1'],
      ['NetworkPolicy', 'networking.k8s.io/v1'],
      ['PodDisruptionBudget', 'policy/v1'],
      ['ConfigMap', 'v1'],
    ]);
    expect(manifests.length).toBeGreaterThanOrEqual(6);
    for (const { file, obj } of manifests) {
      const where = `${file} ${obj['kind']}/${obj['metadata']?.['name']}`;
      expect(known.has(obj['kind']), where).toBe(true);
      expect(obj['apiVersion'], where).toBe(known.get(obj['kind']));
      expect(obj['metadata']?.['name'], where).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(obj['spec'] ?? obj['data'], where).toBeTruthy();
    }
  });

  it('Deployments: selectors match the pod labels, every container has a name, an image and resources, every mount a volume', () => {
    const deployments = byKind('Deployment');
    expect(deployments.length).toBeGreaterThanOrEqual(2);
    for (const { file, obj } of deployments) {
      const spec = obj['spec'];
      expect(matches(spec['selector']['matchLabels'], spec['template']['metadata']['labels']), file).toBe(true);
      const pod = spec['template']['spec'];
      const volumes = new Set(((pod['volumes'] ?? []) as Obj[]).map((v) => v['name']));
      for (const c of allContainers(pod)) {
        expect(c['name'], file).toBeTruthy();
        expect(c['image'], `${file} ${c['name']}`).toBeTruthy();
        expect(c['resources']?.['requests'], `${file} ${c['name']} requests`).toBeTruthy();
        expect(c['resources']?.['limits'], `${file} ${c['name']} limits`).toBeTruthy();
        for (const m of (c['volumeMounts'] ?? []) as Obj[]) expect(volumes.has(m['name']), `${file} ${c['name']} mounts ${m['name']}`).toBe(true);
      }
    }
  });

  it('egress-guard containers: probes on the admin port (/readyz, /healthz), read-only root, non-root, no privilege escalation, policy mounted as a directory', () => {
    const guards = podSpecs().flatMap((p) => allContainers(p.spec).filter((c) => String(c['image']).startsWith('egress-guard')).map((c) => ({ ...p, c })));
    expect(guards.length).toBeGreaterThanOrEqual(2);
    for (const { file, spec, c } of guards) {
      const where = `${file} ${c['name']}`;
      const admin = ((c['ports'] ?? []) as Obj[]).find((p) => p['name'] === 'admin');
      expect(admin?.['containerPort'], where).toBe(9901);
      const env = envOf(c);
      expect(env.get('EG_ADMIN_LISTEN')?.['value'], where).toMatch(/:9901$/);
      expect(c['readinessProbe']?.['httpGet'], where).toEqual({ path: '/readyz', port: 'admin' });
      expect(c['livenessProbe']?.['httpGet'], where).toEqual({ path: '/healthz', port: 'admin' });
      const sc = c['securityContext'] ?? {};
      expect(sc['readOnlyRootFilesystem'], where).toBe(true);
      expect(sc['allowPrivilegeEscalation'], where).toBe(false);
      expect(sc['runAsNonRoot'] ?? spec['securityContext']?.['runAsNonRoot'], where).toBe(true);
      expect(sc['capabilities']?.['drop'], where).toContain('ALL');
      const uid = sc['runAsUser'] ?? spec['securityContext']?.['runAsUser'];
      expect(uid, where).toBe(10001);
      // The policy comes from a ConfigMap mounted as a directory (a subPath never updates).
      const policyPath = String(env.get('EG_POLICY')?.['value']);
      const mount = ((c['volumeMounts'] ?? []) as Obj[]).find((m) => policyPath.startsWith(`${m['mountPath']}/`));
      expect(mount, where).toBeTruthy();
      expect(mount!['subPath'], where).toBeUndefined();
      const volume = ((spec['volumes'] ?? []) as Obj[]).find((v) => v['name'] === mount!['name']);
      expect(volume?.['configMap']?.['name'], where).toBe('egress-guard-policy');
      // The audit trail is hash-chained, keyed from a Secret, on a writable volume.
      expect(env.get('EG_AUDIT_KEY')?.['valueFrom']?.['secretKeyRef']?.['name'] ?? env.get('EG_AUDIT_KEY_FILE'), where).toBeTruthy();
      const auditDir = String(env.get('EG_AUDIT_DIR')?.['value']);
      expect(((c['volumeMounts'] ?? []) as Obj[]).some((m) => auditDir.startsWith(m['mountPath']) && !m['readOnly']), where).toBe(true);
      expect(Number(env.get('EG_WORKERS')?.['value']), where).toBeGreaterThanOrEqual(1);
    }
  });

  it('the sidecar: app and egress-guard in one pod, HTTP(S)_PROXY and NO_PROXY to the sidecar, the CA from a Secret, egress-guard started before the app', () => {
    const sidecar = podSpecs().find((p) => p.file.includes('base/') && p.name === 'orders')!;
    expect(sidecar).toBeTruthy();
    const guard = (sidecar.spec['initContainers'] as Obj[]).find((c) => c['name'] === 'egress-guard')!;
    expect(guard['restartPolicy']).toBe('Always'); // a native sidecar
    expect(guard['startupProbe']?.['httpGet']?.['path']).toBe('/readyz');
    const listen = String(envOf(guard).get('EG_LISTEN')?.['value']);
    expect(listen).toMatch(/^127\.0\.0\.1:\d+$/);
    const app = (sidecar.spec['containers'] as Obj[]).find((c) => c['name'] === 'app')!;
    const env = envOf(app);
    expect(env.get('HTTP_PROXY')?.['value']).toBe(`http://${listen}`);
    expect(env.get('HTTPS_PROXY')?.['value']).toBe(`http://${listen}`);
    expect(String(env.get('NO_PROXY')?.['value'])).toMatch(/localhost.*127\.0\.0\.1/);
    const secrets = ((sidecar.spec['volumes'] ?? []) as Obj[]).filter((v) => v['secret']).map((v) => v['secret']['secretName']);
    expect(secrets).toContain('egress-guard-ca');
    expect(envOf(guard).get('EG_AUDIT_KEY')?.['valueFrom']?.['secretKeyRef']?.['name']).toBe('egress-guard-audit-key');
    expect(sidecar.spec['terminationGracePeriodSeconds']).toBeGreaterThan(Number(envOf(guard).get('EG_DRAIN_TIMEOUT_MS')?.['value']) / 1000);
  });

  it('NetworkPolicies select existing pods and restrict egress; the gateway pattern lets apps reach only egress-guard and DNS', () => {
    const policies = byKind('NetworkPolicy');
    expect(policies.length).toBeGreaterThanOrEqual(3);
    const pods = podSpecs();
    for (const { file, obj } of policies) {
      expect(obj['spec']['policyTypes'], file).toContain('Egress');
      expect(obj['spec']['podSelector']?.['matchLabels'], file).toBeTruthy();
    }
    const sidecarPolicy = policies.find((p) => p.obj['metadata']['name'] === 'orders-egress')!;
    expect(pods.some((p) => matches(sidecarPolicy.obj['spec']['podSelector']['matchLabels'], p.labels))).toBe(true);
    const apps = policies.find((p) => p.obj['metadata']['name'] === 'apps-egress-only-via-egress-guard')!;
    const targets = (apps.obj['spec']['egress'] as Obj[]).flatMap((e) => e['to'] as Obj[]);
    expect(targets.some((t) => t['ipBlock'])).toBe(false);
    const gateway = pods.find((p) => p.name === 'egress-guard')!;
    expect(targets.some((t) => t['podSelector'] && !t['namespaceSelector'] && matches(t['podSelector']['matchLabels'], gateway.labels))).toBe(true);
    // A comment in each file says what a NetworkPolicy can and cannot enforce in a sidecar.
    expect(readFileSync(join(ROOT, sidecarPolicy.file), 'utf8')).toMatch(/network namespace/i);
  });

  it('Services and PodDisruptionBudgets select existing pods; Service target ports are named container ports', () => {
    const pods = podSpecs();
    for (const { file, obj } of [...byKind('Service'), ...byKind('PodDisruptionBudget')]) {
      const selector = obj['kind'] === 'Service' ? obj['spec']['selector'] : obj['spec']['selector']['matchLabels'];
      const pod = pods.find((p) => matches(selector, p.labels));
      expect(pod, file).toBeTruthy();
      if (obj['kind'] !== 'Service') continue;
      const names = new Set(allContainers(pod!.spec).flatMap((c) => ((c['ports'] ?? []) as Obj[]).map((p) => p['name'])));
      for (const port of obj['spec']['ports'] as Obj[]) expect(names.has(port['targetPort']), `${file} ${port['targetPort']}`).toBe(true);
    }
  });
});

describe('deploy/kubernetes kustomizations', () => {
  const dirs = files.filter(isKustomization).map(dirname);

  it('exist for the base, an overlay and the gateway pattern', () => {
    expect(dirs.map((d) => relative(K8S, d)).sort()).toEqual(['base', 'egress-gateway', 'overlays/production']);
  });

  it.each(dirs.map((d) => [relative(K8S, d), d]))('%s names only files that exist, and the ConfigMaps its pods mount are generated', (_name, dir) => {
    const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Obj;
    expect(k['apiVersion']).toBe('kustomize.config.k8s.io/v1beta1');
    expect(k['kind']).toBe('Kustomization');
    for (const r of (k['resources'] ?? []) as string[]) {
      const path = join(dir, r);
      expect(existsSync(path), r).toBe(true);
      if (statSync(path).isDirectory()) expect(existsSync(join(path, 'kustomization.yaml')), r).toBe(true);
    }
    for (const g of (k['configMapGenerator'] ?? []) as Obj[]) for (const f of g['files'] as string[]) expect(existsSync(join(dir, f)), f).toBe(true);
    const objects = kustomizationObjects(dir);
    for (const p of (k['patches'] ?? []) as Obj[]) {
      expect(existsSync(join(dir, p['path'])), p['path']).toBe(true);
      const target = p['target'] as Obj;
      expect(objects.some((o) => o.obj['kind'] === target['kind'] && o.obj['metadata']['name'] === target['name']), JSON.stringify(target)).toBe(true);
      const patch = parse(readFileSync(join(dir, p['path']), 'utf8')) as Obj;
      // A strategic merge patch merges containers by name: each must exist in the target.
      const base = objects.find((o) => o.obj['metadata']['name'] === target['name'])!.obj['spec']['template']['spec'];
      for (const c of allContainers(patch['spec']?.['template']?.['spec'] ?? {})) {
        expect(allContainers(base).some((b) => b['name'] === c['name']), `patch container ${c['name']}`).toBe(true);
      }
    }
    const generated = new Set(generatedConfigMaps(dir));
    for (const o of objects.filter((x) => x.obj['kind'] === 'Deployment')) {
      for (const v of (o.obj['spec']['template']['spec']['volumes'] ?? []) as Obj[]) {
        if (v['configMap']) expect(generated.has(v['configMap']['name']), `${o.file} ConfigMap ${v['configMap']['name']}`).toBe(true);
      }
    }
    for (const image of (k['images'] ?? []) as Obj[]) expect(objects.some((o) => JSON.stringify(o.obj).includes(`"image":"${image['name']}:`)), image['name']).toBe(true);
  });

  it('every policy shipped with the manifests loads', () => {
    const policies = files.filter(isPolicy);
    expect(policies.length).toBe(3);
    for (const file of policies) expect(() => loadPolicyFile(file), file).not.toThrow();
    expect(loadPolicyFile(join(K8S, 'overlays/production/policy.yaml')).mode).toBe('enforce');
  });
});

// Where kubectl is installed, kustomize itself renders each kustomization (offline).
const kubectl = (() => {
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!kubectl)('kubectl kustomize', () => {
  const render = (dir: string) =>
    parseAllDocuments(execFileSync('kubectl', ['kustomize', join(K8S, dir)], { encoding: 'utf8', timeout: 30_000 })).map((d) => d.toJS() as Obj);

  it('renders the base, the overlay and the gateway pattern', () => {
    const kinds = (objs: Obj[]) => objs.map((o) => `${o['kind']}/${o['metadata']['name']}`).sort();
    expect(kinds(render('base'))).toEqual(['ConfigMap/egress-guard-policy', 'Deployment/orders', 'NetworkPolicy/orders-egress']);
    expect(kinds(render('egress-gateway'))).toEqual([
      'ConfigMap/egress-guard-policy', 'Deployment/egress-guard', 'NetworkPolicy/apps-egress-only-via-egress-guard', 'NetworkPolicy/egress-guard', 'PodDisruptionBudget/egress-guard', 'Service/egress-guard',
    ]);
    const overlay = render('overlays/production');
    for (const o of overlay) expect(o['metadata']['namespace']).toBe('orders-prod');
    const deployment = overlay.find((o) => o['kind'] === 'Deployment')!;
    expect(deployment['spec']['replicas']).toBe(3);
    const guard = (deployment['spec']['template']['spec']['initContainers'] as Obj[]).find((c) => c['name'] === 'egress-guard')!;
    expect(guard['image']).toBe('registry.example/egress-guard:0.1.0');
    expect(envOf(guard).get('EG_WORKERS')?.['value']).toBe('4');
    expect(envOf(guard).get('EG_POLICY')?.['value']).toBe('/etc/egress-guard/policy/policy.yaml'); // kept from the base
    const policy = overlay.find((o) => o['kind'] === 'ConfigMap')!;
    expect(policy['data']['policy.yaml']).toMatch(/^mode: enforce$/m);
  });
});
