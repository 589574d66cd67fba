package org.lucerna.api;

import io.smallrye.config.SmallRyeConfig;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import java.util.Collection;
import org.eclipse.microprofile.config.ConfigProvider;
import org.lucerna.job.Limits;

/**
 * Checks {@link WithinLimit} against the configured limits, read when a request is validated: the
 * validator factory is built before configuration mappings can be injected.
 */
public class WithinLimitValidator implements ConstraintValidator<WithinLimit, Object> {
  private String which;

  @Override
  public void initialize(WithinLimit annotation) {
    which = annotation.value();
  }

  @Override
  public boolean isValid(Object value, ConstraintValidatorContext context) {
    if (value == null) {
      return true;
    }
    Limits limits =
        ConfigProvider.getConfig().unwrap(SmallRyeConfig.class).getConfigMapping(Limits.class);
    long max =
        switch (which) {
          case "size" -> limits.maxSize();
          case "steps" -> limits.maxSteps();
          case "batch" -> limits.maxBatch();
          case "snapshots" -> limits.maxSnapshots();
          default -> throw new IllegalStateException("no limit named " + which);
        };
    boolean ok =
        value instanceof Collection<?> c ? c.size() <= max : ((Number) value).longValue() <= max;
    if (!ok) {
      context.disableDefaultConstraintViolation();
      context
          .buildConstraintViolationWithTemplate(
              value instanceof Collection<?>
                  ? "must have at most " + max + " entries"
                  : "must be at most " + max)
          .addConstraintViolation();
    }
    return ok;
  }
}
