/**
 * Benchmarks run by hand against a running service (see the README's figures); not tests, so
 * Surefire never runs them.
 */
package org.lucerna.bench;
