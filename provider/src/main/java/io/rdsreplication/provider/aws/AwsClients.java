package io.rdsreplication.provider.aws;

import io.rdsreplication.provider.core.ProviderException;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.sns.SnsClient;

import java.net.URI;
import java.time.Duration;

/**
 * EC2, RDS and SNS clients built lazily from the provider configuration (so a program that uses no AWS resource
 * starts no AWS SDK). Region, profile and endpoint come from config, else from the SDK's usual environment
 * variables ({@code AWS_REGION}, {@code AWS_ENDPOINT_URL*}, {@code AWS_PROFILE}).
 */
public final class AwsClients implements AutoCloseable {
    private final String region;
    private final String profile;
    private final String endpoint;
    private final Duration timeout;
    private Ec2Client ec2;
    private RdsClient rds;
    private SnsClient sns;

    public AwsClients(String region, String profile, String endpoint) {
        this(region, profile, endpoint, null);
    }

    public AwsClients(String region, String profile, String endpoint, Integer timeoutSeconds) {
        this.region = region;
        this.profile = profile;
        this.endpoint = endpoint;
        this.timeout = Duration.ofSeconds(timeoutSeconds == null || timeoutSeconds < 1 ? 120 : timeoutSeconds);
    }

    public synchronized Ec2Client ec2() {
        if (ec2 == null) {
            var b = Ec2Client.builder().httpClient(http()).overrideConfiguration(overrides());
            configure(b);
            ec2 = b.build();
        }
        return ec2;
    }

    public synchronized RdsClient rds() {
        if (rds == null) {
            var b = RdsClient.builder().httpClient(http()).overrideConfiguration(overrides());
            configure(b);
            rds = b.build();
        }
        return rds;
    }

    public synchronized SnsClient sns() {
        if (sns == null) {
            var b = SnsClient.builder().httpClient(http()).overrideConfiguration(overrides());
            configure(b);
            sns = b.build();
        }
        return sns;
    }

    private software.amazon.awssdk.http.SdkHttpClient http() {
        Duration attempt = timeout.dividedBy(3);
        return UrlConnectionHttpClient.builder().connectionTimeout(min(Duration.ofSeconds(10), attempt))
                .socketTimeout(attempt).build();
    }

    private ClientOverrideConfiguration overrides() {
        return ClientOverrideConfiguration.builder().apiCallTimeout(timeout).apiCallAttemptTimeout(timeout.dividedBy(3)).build();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private void configure(software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<?, ?> b) {
        try {
            if (region != null && !region.isBlank()) b.region(Region.of(region));
            if (profile != null && !profile.isBlank()) {
                b.credentialsProvider(ProfileCredentialsProvider.create(profile));
            } else {
                b.credentialsProvider(DefaultCredentialsProvider.builder().build());
            }
            if (endpoint != null && !endpoint.isBlank()) b.endpointOverride(URI.create(endpoint));
        } catch (SdkException | IllegalArgumentException e) {
            throw new ProviderException.Precondition("AWS client configuration: " + e.getMessage()
                    + "; set rdsreplication:region (or AWS_REGION) and credentials");
        }
    }

    @Override
    public synchronized void close() {
        if (ec2 != null) ec2.close();
        if (rds != null) rds.close();
        if (sns != null) sns.close();
    }
}
