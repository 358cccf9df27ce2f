import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from '@pulse/testing';
import { loadConfig } from '../src/config.js';

// deploy/k8s rendered by kustomize (kubectl's built-in) and every object checked against the
// Kubernetes OpenAPI schemas (kubernetes-models), then against each other and Pulse's config.

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const kubectl = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));

/** The schema class of each kind the manifests use: an object of any other kind fails the test. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/Ingress': Ingress,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

function render(dir: string): K8sObject[] {
  const out = execFileSync(kubectl!, ['kustomize', path.join(repo, 'deploy/k8s', dir)], { encoding: 'utf8' });
  return parseAllDocuments(out).map((d) => d.toJSON() as K8sObject);
}

const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe.skipIf(!kubectl)('Kubernetes manifests (deploy/k8s)', () => {
  describe.each(['base', 'overlays/production'])('%s', (dir) => {
    const objects = render(dir);
    const one = (kind: string) => {
      const found = objects.filter((o) => o.kind === kind);
      expect(found, kind).toHaveLength(1);
      return found[0]!;
    };

    it('renders objects that are valid against the Kubernetes schemas', () => {
      expect(objects.length).toBeGreaterThanOrEqual(8);
      for (const o of objects) {
        const Model = MODELS[`${o.apiVersion}/${o.kind}`];
        expect(Model, `${o.apiVersion} ${o.kind}`).toBeDefined();
        expect(() => new Model!(o as never).validate(), `${o.kind}/${o.metadata.name}`).not.toThrow();
      }
    });

    it('wires the objects together: selectors, probes, references, the migration before the rollout', () => {
      const deployment = one('Deployment');
      const pod = deployment.spec.template;
      const [container] = pod.spec.containers;
      expect(matches(deployment.spec.selector.matchLabels, pod.metadata.labels)).toBe(true);
      expect(matches(one('Service').spec.selector, pod.metadata.labels)).toBe(true);
      expect(matches(one('PodDisruptionBudget').spec.selector.matchLabels, pod.metadata.labels)).toBe(true);
      expect(one('HorizontalPodAutoscaler').spec.scaleTargetRef).toMatchObject({
        kind: 'Deployment',
        name: deployment.metadata.name,
      });
      const service = one('Service');
      const backend = one('Ingress').spec.rules[0].http.paths[0].backend.service;
      expect(backend.name).toBe(service.metadata.name);
      expect(service.spec.ports.map((p: { name: string }) => p.name)).toContain(backend.port.name);

      expect(container.readinessProbe.httpGet.path).toBe('/api/ready');
      expect(container.livenessProbe.httpGet.path).toBe('/api/health');
      expect(container.resources.requests).toBeDefined();
      expect(container.resources.limits.memory).toBeDefined();

      // The Job migrates with this image; pods of this image wait for it.
      const job = one('Job');
      expect(job.spec.template.spec.containers[0].image).toBe(container.image);
      expect(job.spec.template.spec.containers[0].command.join(' ')).toContain('db:migrate');
      expect(pod.spec.initContainers[0].command.join(' ')).toContain('db:migrate -- --wait');

      // Every referenced ConfigMap and Secret exists, in the same namespace.
      const names = (kind: string) => objects.filter((o) => o.kind === kind).map((o) => o.metadata.name);
      for (const from of [...container.envFrom, ...job.spec.template.spec.containers[0].envFrom]) {
        if (from.configMapRef) expect(names('ConfigMap')).toContain(from.configMapRef.name);
        if (from.secretRef) expect(names('Secret')).toContain(from.secretRef.name);
      }
      const namespaces = new Set(objects.filter((o) => o.kind !== 'Namespace').map((o) => o.metadata.namespace));
      expect(namespaces.size).toBe(1);
    });

    it('gives Pulse an environment its configuration accepts, for PostgreSQL, Redis and shared secrets', () => {
      const env = { ...one('ConfigMap').data, ...one('Secret').stringData };
      const config = loadConfig(env);
      expect(config.databaseUrl).toMatch(/^postgres:/);
      expect(config.redisUrl).toMatch(/^redis:/);
      expect(config.secretKey).toBeDefined();
      expect(config.adminToken).toBeDefined();
      expect(config.demo).toBe(false);
    });
  });

  it('the production overlay runs at least three replicas with TLS', () => {
    const objects = render('overlays/production');
    const find = (kind: string) => objects.find((o) => o.kind === kind)!;
    expect(find('Deployment').spec.replicas).toBeGreaterThanOrEqual(3);
    expect(find('HorizontalPodAutoscaler').spec.minReplicas).toBeGreaterThanOrEqual(3);
    expect(find('Ingress').spec.tls[0].secretName).toBeTruthy();
  });
});

describe('docker-compose.yml', () => {
  const compose = parse(readFileSync(path.join(repo, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<
      string,
      {
        environment?: Record<string, string>;
        depends_on?: Record<string, { condition: string }> | string[];
        command?: string[];
      }
    >;
  };
  const replicas = Object.keys(compose.services).filter((name) => name.startsWith('pulse-'));

  it('runs two Pulse replicas on one database, one Redis and one secret key, after the migration', () => {
    expect(replicas).toEqual(['pulse-1', 'pulse-2']);
    const configs = replicas.map((name) => loadConfig(compose.services[name]!.environment ?? {}));
    for (const config of configs) {
      expect(config).toMatchObject({
        databaseUrl: configs[0]!.databaseUrl,
        redisUrl: configs[0]!.redisUrl,
        secretKey: configs[0]!.secretKey,
      });
      expect(config.databaseUrl).toContain('@timescaledb:');
    }
    for (const name of replicas) {
      expect(compose.services[name]!.depends_on).toMatchObject({
        migrate: { condition: 'service_completed_successfully' },
      });
    }
    expect(compose.services.migrate!.command).toEqual(['npm', 'run', '--silent', 'db:migrate']);
  });

  it('puts both replicas behind the proxy', () => {
    const nginx = readFileSync(path.join(repo, 'deploy/compose/nginx.conf'), 'utf8');
    for (const name of replicas) expect(nginx).toContain(`server ${name}:3000`);
  });
});

describe('how the server is started', () => {
  // The image (docker-compose.yml and deploy/k8s run its CMD), `npm start` and the tests' and
  // bench's child process give node the same flags: what is measured is what is deployed.
  it('gives node the same flags in the Dockerfile, npm start and @pulse/testing', () => {
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(path.join(repo, 'Dockerfile'), 'utf8'))?.[1];
    expect(JSON.parse(cmd ?? 'null')).toEqual(['npx', 'tsx', ...SERVER_NODE_FLAGS, 'packages/api/src/main.ts']);
    const start = (JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start;
    expect(start).toBe(['tsx', ...SERVER_NODE_FLAGS, 'packages/api/src/main.ts', '--demo-by-default'].join(' '));
  });
});
