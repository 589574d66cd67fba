/**
 * The probes an orchestrator asks (SmallRye Health under {@code /q/health}): started once every
 * worker has warmed the default model, ready while workers can take jobs, live while the worker
 * threads are. They only read the worker pool's state; the warm-up itself is the workers' ({@code
 * org.lucerna.job}).
 */
package org.lucerna.api.health;
