//! Errors at the HTTP edge: the detail goes to the log, the client gets only what it needs.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Something inside failed; the sender should retry (Twilio and Telegram do).
    #[error("internal error: {0}")]
    Internal(String),
    /// The request itself is wrong; the text is safe to show (it never echoes personal data).
    #[error("{1}")]
    BadRequest(StatusCode, String),
}

impl AppError {
    pub fn internal(e: impl std::fmt::Display) -> AppError {
        AppError::Internal(e.to_string())
    }
}

impl From<crate::store::StoreError> for AppError {
    fn from(e: crate::store::StoreError) -> AppError {
        AppError::internal(e)
    }
}

impl From<sled::Error> for AppError {
    fn from(e: sled::Error) -> AppError {
        AppError::internal(e)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::Internal(detail) => {
                tracing::error!(%detail, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong; please try again.\n",
                )
                    .into_response()
            }
            AppError::BadRequest(status, reason) => (status, format!("{reason}\n")).into_response(),
        }
    }
}
