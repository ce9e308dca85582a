#pragma once
// Progress and cancellation for long work (generate, import, render).
// cancel() never blocks; workers poll isCancelled() every few hundred features.
#include <atomic>
#include <functional>
#include <string>

#include "model/support/error.h"

namespace gridatlas {

class Feedback {
public:
    Feedback() = default;
    Feedback(const Feedback&) = delete;
    Feedback& operator=(const Feedback&) = delete;
    Feedback(Feedback&&) = delete;
    Feedback& operator=(Feedback&&) = delete;
    ~Feedback() = default;

    void cancel() noexcept { m_cancelled.store(true, std::memory_order_relaxed); }
    [[nodiscard]] bool isCancelled() const noexcept { return m_cancelled.load(std::memory_order_relaxed); }
    /// Throws CancelledError when cancel() was called.
    void throwIfCancelled() const {
        if (isCancelled()) throw CancelledError();
    }

    /// Reports progress in percent (0..100) with a short description of the stage.
    void setProgress(double percent, const std::string& stage = {}) {
        m_progress.store(percent, std::memory_order_relaxed);
        if (m_onProgress) m_onProgress(percent, stage);
    }
    [[nodiscard]] double progress() const noexcept { return m_progress.load(std::memory_order_relaxed); }
    /// Called on the working thread; the receiver must be thread-safe.
    void setProgressCallback(std::function<void(double, const std::string&)> cb) { m_onProgress = std::move(cb); }

private:
    std::atomic<bool> m_cancelled{false};
    std::atomic<double> m_progress{0.0};
    std::function<void(double, const std::string&)> m_onProgress;
};

} // namespace gridatlas
