package org.lucerna.api;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A request value within its configured limit ({@link org.lucerna.job.Limits}): a number at most
 * the limit, or a list with at most that many entries. The message names the limit in force.
 */
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = WithinLimitValidator.class)
public @interface WithinLimit {
  /** Which limit: {@code size}, {@code steps}, {@code batch} or {@code snapshots}. */
  String value();

  String message() default "is over its limit";

  Class<?>[] groups() default {};

  Class<? extends Payload>[] payload() default {};
}
