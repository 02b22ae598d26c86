import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's Prometheus metrics. One registry per process (API instance or scheduler);
 * each serves its own /metrics.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const httpDuration = new Histogram({
  name: 'castad_http_request_duration_seconds',
  help: 'HTTP request latency by route',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

export const stepDuration = new Histogram({
  name: 'castad_pipeline_step_duration_seconds',
  help: 'Pipeline step duration by step, provider and outcome',
  labelNames: ['step', 'provider', 'outcome'],
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
  registers: [registry],
});

export const providerErrors = new Counter({
  name: 'castad_provider_errors_total',
  help: 'Failed calls to outside providers, by provider and kind',
  labelNames: ['provider', 'kind'],
  registers: [registry],
});

export const videoFallbacks = new Counter({
  name: 'castad_video_fallbacks_total',
  help: 'Renders the first-choice engine could not take, rendered by another, by engine',
  labelNames: ['from', 'to'],
  registers: [registry],
});

export const queueDepth = new Gauge({
  name: 'castad_queue_depth',
  help: 'Steps waiting or running, by provider queue and state',
  labelNames: ['queue', 'state'],
  registers: [registry],
});

export const dbPool = new Gauge({
  name: 'castad_db_pool_connections',
  help: 'Database pool connections per node: in use, idle, waiting requests',
  labelNames: ['node', 'state'],
  registers: [registry],
});
