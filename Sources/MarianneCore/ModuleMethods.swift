import Foundation
import MarianneProtocol

/// The module methods of the socket protocol, declared next to their message types.
extension RPCMethods {
    public static let jobStart = RPCMethodDescriptor<StartModuleParams, SubmitResult>(RPCMethod.jobStart)
    public static let moduleList = RPCMethodDescriptor<Empty, ModuleListResult>(RPCMethod.moduleList)
    public static let moduleInstall = RPCMethodDescriptor<ModuleInstallParams, ModuleInfo>(RPCMethod.moduleInstall)
}
