package io.rdsreplication.provider.resources;

import io.rdsreplication.provider.core.Prop;
import io.rdsreplication.provider.resources.types.Connection;

/** The provider's configuration: the schema's {@code config.variables} and the provider's inputs. */
public record ProviderConfig(
        @Prop("AWS region for the EC2 and RDS API calls. Defaults to the AWS SDK's usual chain (`AWS_REGION`, profile).")
        String region,
        @Prop("Named AWS profile from the shared credentials and config files.")
        String profile,
        @Prop("Endpoint override for the EC2 and RDS APIs (for example a local moto server). `AWS_ENDPOINT_URL`, `AWS_ENDPOINT_URL_EC2` and `AWS_ENDPOINT_URL_RDS` are honoured too.")
        String awsEndpointUrl,
        @Prop(value = "Default connection to the external source server (MySQL or MariaDB), used by resources that do not set their own and by `pulumi import`.", alias = true)
        Connection source,
        @Prop(value = "Default connection to the Amazon RDS instance as its master user, used by resources that do not set their own and by `pulumi import`.", alias = true)
        Connection replica,
        @Prop(value = "Upper bound, in seconds, on each EC2/RDS API call including retries (default 120); each attempt gets a third of it. Lower it in CI to fail fast when the API does not answer.", min = 1, max = 86400)
        Integer awsTimeoutSeconds) {
    public static final ProviderConfig EMPTY = new ProviderConfig(null, null, null, null, null, null);
}
