package io.rdsreplication.provider.aws;

import io.rdsreplication.provider.core.ProviderException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/** AWS error codes in one place. */
public final class AwsErrors {
    private AwsErrors() {
    }

    public static String code(Throwable t) {
        if (t instanceof AwsServiceException e && e.awsErrorDetails() != null) {
            String c = e.awsErrorDetails().errorCode();
            return c == null ? "" : c;
        }
        return "";
    }

    public static boolean isNotFound(Throwable t) {
        String c = code(t);
        return c.equals("InvalidPermission.NotFound") || c.equals("InvalidGroup.NotFound")
                || c.equals("InvalidSecurityGroupRuleId.NotFound") || c.equals("InvalidSecurityGroupRuleId.Malformed")
                || c.equals("DBInstanceNotFound") || c.equals("DBInstanceNotFoundFault");
    }

    /** A user-facing exception for an AWS failure during {@code what}. */
    public static ProviderException wrap(SdkException e, String what) {
        if (e instanceof AwsServiceException se) {
            String msg = se.awsErrorDetails() != null ? se.awsErrorDetails().errorMessage() : se.getMessage();
            return new ProviderException.Precondition(what + " failed: " + code(se) + ": " + msg);
        }
        if (e instanceof SdkClientException && String.valueOf(e.getMessage()).contains("Unable to load credentials")) {
            return new ProviderException.Precondition(what + " failed: no AWS credentials found; set AWS_ACCESS_KEY_ID and "
                    + "AWS_SECRET_ACCESS_KEY (or AWS_PROFILE / rdsreplication:profile) for the pulumi process");
        }
        if (e instanceof software.amazon.awssdk.core.exception.ApiCallTimeoutException
                || e instanceof software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException
                || e.getCause() instanceof java.net.SocketTimeoutException) {
            return new ProviderException.Remote(what + " failed: the AWS API did not answer in time; check "
                    + "rdsreplication:awsEndpointUrl and the network, or raise rdsreplication:awsTimeoutSeconds", e);
        }
        if (e instanceof SdkClientException) {
            return new ProviderException.Remote(what + " failed: cannot reach the AWS API (" + e.getMessage()
                    + "); check rdsreplication:region, rdsreplication:awsEndpointUrl and the network", e);
        }
        return new ProviderException.Remote(what + " failed: " + e.getMessage(), e);
    }
}
