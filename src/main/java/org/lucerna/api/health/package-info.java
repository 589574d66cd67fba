/**
 * The probes an orchestrator asks (SmallRye Health under {@code /q/health}): started once the default
 * model is loaded and a first plan ran, ready while workers can take jobs, live while the worker
 * threads are. The warm-up that the started probe waits for lives here too. Nothing here changes a job.
 */
package org.lucerna.api.health;
