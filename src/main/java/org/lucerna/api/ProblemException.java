package org.lucerna.api;

/** An HTTP error whose problem document is known where it is raised. */
final class ProblemException extends RuntimeException {
  private final Problem problem;
  private final String retryAfter;

  ProblemException(Problem problem, String retryAfter) {
    super(problem.detail());
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  Problem problem() {
    return problem;
  }

  String retryAfter() {
    return retryAfter;
  }
}
