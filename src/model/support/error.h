#pragma once
// Error types: every failure carries the thing and the place, and gains context as it rises.
#include <stdexcept>
#include <string>

namespace gridatlas {

/// Base of every error the libraries throw. The message is complete and user-facing.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
    /// Returns a copy of this error's kind with `context` prepended ("atlas 'x.sqlite': ...").
    [[nodiscard]] std::string withContext(const std::string& context) const { return context + ": " + what(); }
};

/// Bad input from a user: a file, a row, a field, an option.
class InputError : public Error {
public:
    using Error::Error;
};

/// The database refused or failed: carries the SQL and the file where known.
class StorageError : public Error {
public:
    using Error::Error;
};

/// A data rule of the atlas was broken (CHECK, trigger, foreign key): names table, row and rule.
class ConstraintError : public StorageError {
public:
    using StorageError::StorageError;
};

/// Rendering failed (a map document, a style, an output file).
class RenderError : public Error {
public:
    using Error::Error;
};

/// The user cancelled a long operation.
class CancelledError : public Error {
public:
    CancelledError() : Error("cancelled") {}
};

} // namespace gridatlas
