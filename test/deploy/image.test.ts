// The Dockerfile and deploy/kubernetes/ read together: no Docker engine runs here, so this checks that
// the manifests parse and that what they reference (commands, flags, paths, user, port) is what the image
// provides, and that the image's production dependencies cover what the agent imports.
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-explicit-any -- Kubernetes manifests are untyped YAML: a missing field fails the test's assertions */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { main } from '../../agent/cli/main.ts';
import { runFlags } from '../../agent/cli/commands/run-options.ts';
import { repoRoot } from '../helpers/child.ts';
import { captureIo } from '../helpers/io.ts';
import { withTempDir } from '../helpers/temp-dir.ts';
import { execForm, parseDockerfile, type Stage } from './dockerfile.ts';

type Obj = Record<string, any>;

const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { bin: Record<string, string>; dependencies: Record<string, string> };
const stages = parseDockerfile(await readFile(join(repoRoot, 'Dockerfile'), 'utf8'));
const final = stages.at(-1)!;
const k8sDir = join(repoRoot, 'deploy/kubernetes');
const manifests: Obj[] = [];
for (const name of (await readdir(k8sDir)).filter((n) => n.endsWith('.yaml')).sort()) {
  for (const doc of parseAllDocuments(await readFile(join(k8sDir, name), 'utf8'))) {
    assert.equal(doc.errors, [], `${name} parses`);
    manifests.push(doc.toJS() as Obj);
  }
}
const byKind = (kind: string) => manifests.filter((m) => m.kind === kind);
const deployment = byKind('Deployment')[0]!;
const pod = deployment.spec.template.spec as Obj;
const container = pod.containers[0] as Obj;
const ops = (stage: Stage, op: string) => stage.instructions.filter((i) => i.op === op).map((i) => i.args);
const workdir = ops(final, 'WORKDIR').at(-1)!;
const Bin = 'mail-agent';

/** The image's /usr/local/bin/mail-agent link target, from the final stage's RUN. */
function binLink(): { link: string; target: string } {
  const m = /ln -s (\S+) (\S+)/.exec(ops(final, 'RUN').join(' '));
  assert.ok(m, 'the final stage links the CLI onto PATH');
  return { target: m[1]!, link: m[2]! };
}
function argValue(args: string[], flag: string): string {
  const i = args.indexOf(flag);
  assert.ok(i >= 0 && args[i + 1], `${flag} given`);
  return args[i + 1]!;
}
/** The volume mounted at the folder holding `path`, and the path inside the volume. */
function volumeFor(path: string): { volume: Obj; mount: Obj; rest: string } {
  const mount = (container.volumeMounts as Obj[]).filter((m) => path.startsWith(m.mountPath + '/')).sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  assert.ok(mount, `${path} is on a mounted volume`);
  return { mount, volume: (pod.volumes as Obj[]).find((v) => v.name === mount.name)!, rest: path.slice(mount.mountPath.length + 1) };
}

test('Dockerfile: multi-stage, production dependencies only, non-root, mail-agent on PATH, HEALTHCHECK via status', async () => {
  assert.ok(stages.length >= 2, 'multi-stage');
  const copiedFrom = ops(final, 'COPY').filter((a) => a.startsWith('--from=')).map((a) => a.split(' ')[0]!.slice(7));
  for (const name of copiedFrom) assert.ok(stages.slice(0, -1).some((s) => s.name === name), `stage ${name} exists`);
  const depsStage = stages.find((s) => s.name === copiedFrom.find((n) => ops(stages.find((s) => s.name === n)!, 'RUN').some((r) => r.includes('npm ci'))))!;
  assert.match(ops(depsStage, 'RUN').join(' '), 'npm ci --omit=dev');
  assert.not.match(ops(final, 'RUN').join(' '), 'npm ');
  const user = ops(final, 'USER').at(-1)!;
  assert.match(user, /^[1-9]\d*(:\d+)?$/, 'a numeric non-root user');
  const { link, target } = binLink();
  assert.is(link, '/usr/local/bin/' + Bin);
  assert.is(target, posix.join(workdir, pkg.bin[Bin]!), "the link is package.json's bin");
  assert.equal(execForm(ops(final, 'ENTRYPOINT')[0]!), [Bin]);
  const health = ops(final, 'HEALTHCHECK')[0]!;
  assert.match(health, new RegExp(`CMD ${Bin} status --status /var/lib/mail-agent/status\\.json`));
  // Every COPY source is in the repository and not excluded from the build context.
  const ignored = (await readFile(join(repoRoot, '.dockerignore'), 'utf8')).split('\n').filter((l) => l && !l.startsWith('#'));
  for (const stage of stages) {
    for (const args of ops(stage, 'COPY').filter((a) => !a.startsWith('--from='))) {
      for (const src of args.split(' ').slice(0, -1)) {
        assert.ok(existsSync(join(repoRoot, src)), `COPY ${src} exists`);
        assert.not.ok(ignored.includes(src), `COPY ${src} is not in .dockerignore`);
      }
    }
  }
});

test('the image CMD and the Deployment args are flags `mail-agent run` has', () => {
  for (const args of [execForm(ops(final, 'CMD')[0]!), container.args as string[]]) {
    assert.is(args[0], 'run');
    for (const f of args.filter((a) => a.startsWith('--'))) assert.ok(f.slice(2) in runFlags, `mail-agent run has ${f}`);
  }
  assert.is(container.command, undefined, "the Deployment keeps the image's ENTRYPOINT");
  assert.is(container.image.split(':')[0], Bin);
});

test('Kubernetes: settings from a ConfigMap volume (no subPath), password from a Secret volume, state on an emptyDir', () => {
  const args = container.args as string[];
  for (const m of container.volumeMounts as Obj[]) assert.is(m.subPath, undefined, `${m.name} has no subPath`);
  const config = volumeFor(argValue(args, '--config'));
  const cm = byKind('ConfigMap').find((c) => c.metadata.name === config.volume.configMap?.name);
  assert.ok(cm, 'the settings come from a ConfigMap in deploy/kubernetes');
  assert.ok(config.rest in cm.data, 'the ConfigMap has the key the agent reads');
  const settings = (parseAllDocuments(cm.data[config.rest] as string)[0]!.toJS() as Obj);
  const secretFile = volumeFor(settings.ews.password.file as string);
  const secret = byKind('Secret').find((s) => s.metadata.name === secretFile.volume.secret?.secretName);
  assert.ok(secret, 'the password comes from a Secret volume');
  assert.ok(secretFile.rest in secret.stringData, 'the Secret has the key the settings reference');
  const state = volumeFor(argValue(args, '--state-dir') + '/status.json');
  assert.ok(state.volume.emptyDir, 'the state (status file) is on an emptyDir');
  // A volume's root is root-owned and 0777 (emptyDir), or group-writable (fsGroup): the agent refuses such
  // a state dir, so it is one folder down, which the agent creates itself (0700, its own).
  assert.is(state.rest, 'state/status.json', 'the state dir is a folder inside the volume');
  assert.is(state.mount.mountPath, ops(final, 'RUN').join(' ').match(/mkdir -p .*?(\/var\/lib\/mail-agent)/)?.[1], 'the image prepares that folder');
  assert.ok((container.env as Obj[]).some((e) => e.name === 'MAIL_AGENT_STATE_DIR' && e.value === argValue(args, '--state-dir')), '`kubectl exec … mail-agent send` finds the state dir');
});

test('Kubernetes: readiness from mail-agent status on the state dir, liveness /healthz on the metrics port, user as the image', () => {
  const args = container.args as string[];
  const probe = container.readinessProbe.exec.command as string[];
  assert.equal(probe.slice(0, 2), [Bin, 'status']);
  assert.is(argValue(probe, '--status'), argValue(args, '--state-dir') + '/status.json');
  const port = Number(argValue(args, '--metrics-addr').split(':').at(-1));
  const metricsPort = (container.ports as Obj[]).find((p) => p.containerPort === port);
  assert.ok(metricsPort, 'the metrics port is declared');
  assert.is(container.livenessProbe.httpGet.path, '/healthz');
  assert.ok([port, metricsPort.name].includes(container.livenessProbe.httpGet.port));
  assert.ok(ops(final, 'EXPOSE').includes(String(port)));
  const [uid, gid] = ops(final, 'USER').at(-1)!.split(':').map(Number);
  assert.is(pod.securityContext.runAsUser, uid);
  assert.is(pod.securityContext.runAsGroup, gid);
  assert.is(pod.securityContext.runAsNonRoot, true);
  const service = byKind('Service')[0]!;
  assert.equal(service.spec.selector, deployment.spec.selector.matchLabels);
});

test("the ConfigMap's settings validate", async () => {
  const cm = byKind('ConfigMap')[0]!;
  await withTempDir(async (dir) => {
    const file = join(dir, 'mail-settings.yaml');
    await writeFile(file, cm.data['mail-settings.yaml'] as string);
    const io = captureIo({ env: {}, cwd: dir });
    assert.is(await main(['validate', file], io), 0, io.out() + io.err());
  });
});

test('production dependencies cover every package the agent imports at run time', async () => {
  const missing = new Set<string>();
  const seen = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) { await walk(p); continue; }
      if (!entry.name.endsWith('.ts')) continue;
      const text = await readFile(p, 'utf8');
      const specs = [...text.matchAll(/^import (?!type )[^;]*?from '([^'.][^']*)'/gms), ...text.matchAll(/import\('([^'.][^']*)'\)/g)].map((m) => m[1]!);
      for (const spec of specs) {
        if (spec.startsWith('node:')) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        seen.add(name);
        if (!(name in pkg.dependencies)) missing.add(`${name} (${p.slice(repoRoot.length + 1)})`);
      }
    }
  };
  await walk(join(repoRoot, 'agent'));
  assert.equal([...missing], []);
  assert.ok(seen.has('yaml') && seen.has('prom-client'), 'the scan finds static and lazy imports');
  assert.ok(existsSync(join(repoRoot, pkg.bin[Bin]!.replace(/^dist\//, '').replace(/\.js$/, '.ts'))), "package.json's bin is built from agent/");
});

test.run();
