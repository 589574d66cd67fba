/**
 * The HTTP face of the service: resources, the request and response types, and the mapping of every
 * error to an RFC 9457 problem document. Resources stay thin; the rules live in {@link
 * org.lucerna.job.JobService} and the model package.
 */
package org.lucerna.api;
