import ArgumentParser
import Settings

extension ArgumentHelp {
    /// The help of a training setting's option, as the vocabulary states it (``TrainingSetting/help``).
    static func setting(_ setting: TrainingSetting) -> ArgumentHelp {
        ArgumentHelp(setting.help, valueName: setting.valueName)
    }
}
