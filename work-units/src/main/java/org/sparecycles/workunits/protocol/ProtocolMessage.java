package org.sparecycles.workunits.protocol;

/**
 * Every JSON message of API v1. Records are read with unknown properties ignored (see
 * {@link org.sparecycles.workunits.json.Json#mapper()}), so an older client still reads a newer server. Lists in
 * messages are never null once constructed (null becomes empty).
 */
public sealed interface ProtocolMessage permits ApiError, CreateAccountRequest, LoginRequest, AccountSession,
        ProjectInfo, CreateProjectRequest, AppInfo, BatchSubmission, RedundancyPolicy, BatchStatus,
        HostRegistration, HostRegistered, SchedulerRequest, ResultReport, SchedulerReply, Assignment, InputRef,
        UploadReceipt, HealthStatus, AccountCredit, ProjectKeyInfo {
}
