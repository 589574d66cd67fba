package org.lucerna.api;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.lucerna.job.ImageNames;
import org.lucerna.job.Job;
import org.lucerna.job.JobNotFoundException;
import org.lucerna.job.JobService;

/** A job's document and its images. */
@Path("/jobs/{id}")
public class JobResource {
  /** Seconds a client is asked to wait before polling an unfinished job again. */
  static final String RETRY_AFTER_SECONDS = "1";

  private final JobService jobs;

  public JobResource(JobService jobs) {
    this.jobs = jobs;
  }

  @GET
  @Produces(MediaType.APPLICATION_JSON)
  public Response get(@PathParam("id") String id) {
    Job job = find(id);
    Response.ResponseBuilder r = Response.ok(JobDocument.of(job));
    if (!job.status().isFinal()) {
      r.header("Retry-After", RETRY_AFTER_SECONDS);
    }
    return r.build();
  }

  @GET
  @Path("/image")
  @Produces("image/png")
  public Response image(@PathParam("id") String id, @QueryParam("batch") @DefaultValue("0") int batch) {
    Job job = find(id);
    if (!job.status().isFinal()) {
      throw new ProblemException(Problem.of(409, "not-finished", "The job has not finished",
          "job " + id + " is " + job.status() + "; its image is ready when it is SUCCEEDED"),
          RETRY_AFTER_SECONDS);
    }
    if (batch < 0 || batch >= job.spec().batch()) {
      throw new ProblemException(Problem.invalid(404, "job " + id + " has batch elements 0 to "
          + (job.spec().batch() - 1) + "; got " + batch,
          List.of(new Problem.FieldError("batch", "must be 0 to " + (job.spec().batch() - 1)))), null);
    }
    byte[] png = jobs.image(id, ImageNames.finalImage(batch)).orElseThrow(() -> new ProblemException(
        Problem.of(404, "no-image", "The job has no image", "job " + id + " ended " + job.status()
            + " without an image"), null));
    return Response.ok(png, "image/png").build();
  }

  private Job find(String id) {
    return jobs.find(id).orElseThrow(() -> new JobNotFoundException(id));
  }
}
