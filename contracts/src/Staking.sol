// SPDX-License-Identifier: MIT OR Apache-2.0
pragma solidity 0.8.28;

import {Owned} from "./lib/Owned.sol";
import {ContractResolver} from "./ContractResolver.sol";

/// Validator set and epoch state machine, ABI-compatible with the Datil
/// Staking diamond for every call the JS SDK and the nodes make.
/// Token staking itself is not modelled (no LIT is locked): joining is open,
/// and the owner can set the validator set and epoch directly.
contract Staking is Owned {
    enum States {
        Active,
        NextValidatorSetLocked,
        ReadyForNextEpoch,
        Unlocked,
        Paused
    }

    struct Epoch {
        uint256 epochLength;
        uint256 number;
        uint256 endTime;
        uint256 retries;
        uint256 timeout;
    }

    struct Validator {
        uint32 ip;
        uint128 ipv6;
        uint32 port;
        address nodeAddress;
        uint256 reward;
        uint256 senderPubKey;
        uint256 receiverPubKey;
    }

    struct AddressMapping {
        address nodeAddress;
        address stakerAddress;
    }

    struct Version {
        uint256 major;
        uint256 minor;
        uint256 patch;
    }

    struct ComplaintConfig {
        uint256 tolerance;
        uint256 intervalSecs;
        uint256 kickPenaltyPercent;
    }

    struct Config {
        uint256 tokenRewardPerTokenPerEpoch;
        uint256 DEPRECATED_complaintTolerance;
        uint256 DEPRECATED_complaintIntervalSecs;
        uint256[] keyTypes;
        uint256 minimumValidatorCount;
        uint256 maxConcurrentRequests;
        uint256 maxTripleCount;
        uint256 minTripleCount;
        uint256 peerCheckingIntervalSecs;
        uint256 maxTripleConcurrency;
        bool rpcHealthcheckEnabled;
    }

    ContractResolver public contractResolver;
    ContractResolver.Env public env;

    States private _state;
    Epoch private _epoch;
    Config private _config;

    mapping(address => Validator) private _validators;
    mapping(address => address) public nodeAddressToStakerAddress;

    address[] private _current;
    address[] private _next;

    // Signatures a network needs, when its owner fixed it (a devnet dealt for its own threshold);
    // 0: two thirds of the validators, rounded up.
    uint256 private _consensusThreshold;
    address[] private _kicked;
    mapping(address => bool) private _isKicked;

    // readiness is tracked per epoch number so that advancing resets it
    mapping(uint256 => mapping(address => bool)) private _ready;
    // kick votes: epoch => staker => voter => voted / count
    mapping(uint256 => mapping(address => mapping(address => bool))) private _kickVoted;
    mapping(uint256 => mapping(address => uint256)) private _kickVotes;

    mapping(uint256 => ComplaintConfig) private _complaintConfigs;
    Version private _minVersion;
    Version private _maxVersion;

    event StateChanged(States newState);
    event RequestToJoin(address indexed staker);
    event RequestToLeave(address indexed staker);
    event ReadyForNextEpoch(address indexed staker, uint256 epochNumber);
    event ValidatorKickedFromNextEpoch(address indexed staker, uint256 amountBurned);
    event ValidatorRejoinedNextEpoch(address staker);
    event VotedToKickValidatorInNextEpoch(
        address indexed reporter, address indexed validatorStakerAddress, uint256 indexed reason, bytes data
    );
    event EpochLengthSet(uint256 newEpochLength);
    event EpochEndTimeSet(uint256 newEpochEndTime);
    event EpochTimeoutSet(uint256 newEpochTimeout);
    event ResolverContractAddressSet(address newResolverContractAddress);
    event KickPenaltyPercentSet(uint256 reason, uint256 newKickPenaltyPercent);
    event ComplaintConfigSet(uint256 reason, ComplaintConfig config);
    event ConfigSet(
        uint256 newTokenRewardPerTokenPerEpoch,
        uint256[] newKeyTypes,
        uint256 newMinimumValidatorCount,
        uint256 newMaxConcurrentRequests,
        uint256 newMaxTripleCount,
        uint256 newMinTripleCount,
        uint256 newPeerCheckingIntervalSecs,
        uint256 newMaxTripleConcurrency,
        bool newRpcHealthcheckEnabled
    );
    event VersionRequirementsUpdated(uint256 index, Version version);

    constructor(address resolver, ContractResolver.Env env_) {
        contractResolver = ContractResolver(resolver);
        env = env_;
        _epoch = Epoch({epochLength: 300, number: 1, endTime: block.timestamp + 300, retries: 0, timeout: 60});
        _config.keyTypes.push(1);
        _config.keyTypes.push(2);
        _config.minimumValidatorCount = 1;
        _config.maxConcurrentRequests = 1000;
        _config.maxTripleCount = 25;
        _config.minTripleCount = 10;
        _config.peerCheckingIntervalSecs = 7;
        _config.maxTripleConcurrency = 2;
        _state = States.Active;
        _maxVersion = Version(10000, 0, 0);
    }

    // ------------------------------------------------------------------
    // Admin
    // ------------------------------------------------------------------

    /// Owner-only: replace the current AND next validator set in one go
    /// (stakers[i] is described by vals[i]); clears kicks and readiness.
    function adminSetValidators(address[] calldata stakers, Validator[] calldata vals) external onlyOwner {
        require(stakers.length == vals.length, "Staking: length mismatch");
        for (uint256 i = 0; i < _current.length; i++) {
            delete nodeAddressToStakerAddress[_validators[_current[i]].nodeAddress];
        }
        for (uint256 i = 0; i < _next.length; i++) {
            delete nodeAddressToStakerAddress[_validators[_next[i]].nodeAddress];
        }
        for (uint256 i = 0; i < _kicked.length; i++) {
            _isKicked[_kicked[i]] = false;
        }
        delete _kicked;
        delete _current;
        delete _next;
        for (uint256 i = 0; i < stakers.length; i++) {
            _validators[stakers[i]] = vals[i];
            nodeAddressToStakerAddress[vals[i].nodeAddress] = stakers[i];
            _current.push(stakers[i]);
            _next.push(stakers[i]);
        }
    }

    /// Owner-only: fix the validator count needed for consensus (0 restores two thirds).
    function adminSetConsensusThreshold(uint256 threshold) external onlyOwner {
        _consensusThreshold = threshold;
    }

    /// Owner-only: overwrite the epoch struct.
    function adminSetEpoch(Epoch calldata newEpoch) external onlyOwner {
        _epoch = newEpoch;
    }

    function setEpochLength(uint256 newEpochLength) external onlyOwner {
        _epoch.epochLength = newEpochLength;
        emit EpochLengthSet(newEpochLength);
    }

    function setEpochEndTime(uint256 newEpochEndTime) external onlyOwner {
        _epoch.endTime = newEpochEndTime;
        emit EpochEndTimeSet(newEpochEndTime);
    }

    function setEpochTimeout(uint256 newEpochTimeout) external onlyOwner {
        _epoch.timeout = newEpochTimeout;
        emit EpochTimeoutSet(newEpochTimeout);
    }

    function setEpochState(States newState) external onlyOwner {
        _setState(newState);
    }

    function setContractResolver(address newResolverAddress) external onlyOwner {
        contractResolver = ContractResolver(newResolverAddress);
        emit ResolverContractAddressSet(newResolverAddress);
    }

    function setConfig(Config calldata newConfig) external onlyOwner {
        _config = newConfig;
        emit ConfigSet(
            newConfig.tokenRewardPerTokenPerEpoch,
            newConfig.keyTypes,
            newConfig.minimumValidatorCount,
            newConfig.maxConcurrentRequests,
            newConfig.maxTripleCount,
            newConfig.minTripleCount,
            newConfig.peerCheckingIntervalSecs,
            newConfig.maxTripleConcurrency,
            newConfig.rpcHealthcheckEnabled
        );
    }

    function setComplaintConfig(uint256 reason, ComplaintConfig calldata cfg) external onlyOwner {
        _complaintConfigs[reason] = cfg;
        emit ComplaintConfigSet(reason, cfg);
    }

    function setKickPenaltyPercent(uint256 reason, uint256 newKickPenaltyPercent) external onlyOwner {
        _complaintConfigs[reason].kickPenaltyPercent = newKickPenaltyPercent;
        emit KickPenaltyPercentSet(reason, newKickPenaltyPercent);
    }

    function setMinVersion(Version calldata version) external onlyOwner {
        _minVersion = version;
        emit VersionRequirementsUpdated(0, version);
    }

    function setMaxVersion(Version calldata version) external onlyOwner {
        _maxVersion = version;
        emit VersionRequirementsUpdated(1, version);
    }

    function adminKickValidatorInNextEpoch(address validatorStakerAddress) external onlyOwner {
        _kick(validatorStakerAddress);
    }

    function adminRejoinValidator(address staker) external onlyOwner {
        if (_isKicked[staker]) {
            _isKicked[staker] = false;
            _removeFrom(_kicked, staker);
        }
        if (!_contains(_next, staker)) _next.push(staker);
        emit ValidatorRejoinedNextEpoch(staker);
    }

    function adminResetEpoch() external onlyOwner {
        _epoch.retries += 1;
        _epoch.endTime = block.timestamp + _epoch.epochLength;
        _setState(States.Active);
    }

    // ------------------------------------------------------------------
    // Node-facing writes
    // ------------------------------------------------------------------

    function requestToJoin(
        uint32 ip,
        uint128 ipv6,
        uint32 port,
        address nodeAddress,
        uint256 senderPubKey,
        uint256 receiverPubKey
    ) public {
        require(!_isKicked[msg.sender], "Staking: kicked validators cannot rejoin this epoch");
        address existing = nodeAddressToStakerAddress[nodeAddress];
        require(existing == address(0) || existing == msg.sender, "Staking: node address in use");
        _setValidator(msg.sender, ip, ipv6, port, nodeAddress, senderPubKey, receiverPubKey);
        if (!_contains(_next, msg.sender)) _next.push(msg.sender);
        emit RequestToJoin(msg.sender);
    }

    /// Token staking is not modelled: `amount` is ignored.
    function stakeAndJoin(
        uint256,
        uint32 ip,
        uint128 ipv6,
        uint32 port,
        address nodeAddress,
        uint256 senderPubKey,
        uint256 receiverPubKey
    ) external {
        requestToJoin(ip, ipv6, port, nodeAddress, senderPubKey, receiverPubKey);
    }

    function setIpPortNodeAddressAndCommunicationPubKeys(
        uint32 ip,
        uint128 ipv6,
        uint32 port,
        address nodeAddress,
        uint256 senderPubKey,
        uint256 receiverPubKey
    ) external {
        require(_contains(_current, msg.sender) || _contains(_next, msg.sender), "Staking: not a validator");
        _setValidator(msg.sender, ip, ipv6, port, nodeAddress, senderPubKey, receiverPubKey);
    }

    function requestToLeave() public {
        _removeFrom(_next, msg.sender);
        emit RequestToLeave(msg.sender);
    }

    function requestToLeaveAsNode() external {
        address staker = nodeAddressToStakerAddress[msg.sender];
        require(staker != address(0), "Staking: unknown node address");
        _removeFrom(_next, staker);
        emit RequestToLeave(staker);
    }

    function lockValidatorsForNextEpoch() external {
        require(block.timestamp >= _epoch.endTime, "Staking: epoch has not ended");
        require(_state == States.Active || _state == States.Unlocked, "Staking: must be Active or Unlocked");
        require(_next.length >= _config.minimumValidatorCount, "Staking: not enough validators for next epoch");
        _setState(States.NextValidatorSetLocked);
    }

    function signalReadyForNextEpoch(uint256 epochNumber) external {
        require(epochNumber == _epoch.number, "Staking: wrong epoch number");
        address staker = nodeAddressToStakerAddress[msg.sender];
        require(staker != address(0), "Staking: unknown node address");
        require(_contains(_current, staker) || _contains(_next, staker), "Staking: not a validator");
        require(
            _state == States.NextValidatorSetLocked || _state == States.ReadyForNextEpoch,
            "Staking: next validator set not locked"
        );
        _ready[_epoch.number][staker] = true;
        emit ReadyForNextEpoch(staker, epochNumber);
        if (isReadyForNextEpoch() && _state != States.ReadyForNextEpoch) {
            _setState(States.ReadyForNextEpoch);
        }
    }

    function advanceEpoch() external {
        require(block.timestamp >= _epoch.endTime, "Staking: epoch has not ended");
        require(_state == States.ReadyForNextEpoch || isReadyForNextEpoch(), "Staking: not ready for next epoch");
        delete _current;
        for (uint256 i = 0; i < _next.length; i++) {
            _current.push(_next[i]);
        }
        for (uint256 i = 0; i < _kicked.length; i++) {
            _isKicked[_kicked[i]] = false;
        }
        delete _kicked;
        _epoch.number += 1;
        _epoch.endTime = block.timestamp + _epoch.epochLength;
        _epoch.retries = 0;
        _setState(States.Active);
    }

    function kickValidatorInNextEpoch(address validatorStakerAddress, uint256 reason, bytes calldata data) external {
        address voter = nodeAddressToStakerAddress[msg.sender];
        require(voter != address(0) && _contains(_current, voter), "Staking: caller is not a current validator");
        uint256 e = _epoch.number;
        if (!_kickVoted[e][validatorStakerAddress][voter]) {
            _kickVoted[e][validatorStakerAddress][voter] = true;
            _kickVotes[e][validatorStakerAddress] += 1;
        }
        emit VotedToKickValidatorInNextEpoch(voter, validatorStakerAddress, reason, data);
        if (_kickVotes[e][validatorStakerAddress] >= currentValidatorCountForConsensus()) {
            _kick(validatorStakerAddress);
        }
    }

    // ------------------------------------------------------------------
    // Views
    // ------------------------------------------------------------------

    function state() external view returns (States) {
        return _state;
    }

    function epoch() external view returns (Epoch memory) {
        return _epoch;
    }

    function config() external view returns (Config memory) {
        return _config;
    }

    function getKeyTypes() external view returns (uint256[] memory) {
        return _config.keyTypes;
    }

    function complaintConfig(uint256 reason) external view returns (ComplaintConfig memory) {
        return _complaintConfigs[reason];
    }

    function kickPenaltyPercentByReason(uint256 reason) external view returns (uint256) {
        return _complaintConfigs[reason].kickPenaltyPercent;
    }

    function validators(address stakerAddress) external view returns (Validator memory) {
        return _validators[stakerAddress];
    }

    function getValidatorsInCurrentEpoch() external view returns (address[] memory) {
        return _current;
    }

    function getValidatorsInCurrentEpochLength() external view returns (uint256) {
        return _current.length;
    }

    function getValidatorsInNextEpoch() external view returns (address[] memory) {
        return _next;
    }

    function getKickedValidators() external view returns (address[] memory) {
        return _kicked;
    }

    function getValidatorsStructs(address[] memory addresses) public view returns (Validator[] memory out) {
        out = new Validator[](addresses.length);
        for (uint256 i = 0; i < addresses.length; i++) {
            out[i] = _validators[addresses[i]];
        }
    }

    function getValidatorsStructsInCurrentEpoch() external view returns (Validator[] memory) {
        return getValidatorsStructs(_current);
    }

    function getValidatorsStructsInNextEpoch() external view returns (Validator[] memory) {
        return getValidatorsStructs(_next);
    }

    function getActiveUnkickedValidators() public view returns (address[] memory out) {
        uint256 n = 0;
        for (uint256 i = 0; i < _current.length; i++) {
            if (!_isKicked[_current[i]]) n++;
        }
        out = new address[](n);
        uint256 j = 0;
        for (uint256 i = 0; i < _current.length; i++) {
            if (!_isKicked[_current[i]]) out[j++] = _current[i];
        }
    }

    function getActiveUnkickedValidatorStructs() public view returns (Validator[] memory) {
        return getValidatorsStructs(getActiveUnkickedValidators());
    }

    /// The single call the JS SDK's connect() makes.
    function getActiveUnkickedValidatorStructsAndCounts()
        external
        view
        returns (Epoch memory, uint256, Validator[] memory)
    {
        return (_epoch, currentValidatorCountForConsensus(), getActiveUnkickedValidatorStructs());
    }

    function getNodeStakerAddressMappings(address[] calldata addresses)
        external
        view
        returns (AddressMapping[] memory out)
    {
        out = new AddressMapping[](addresses.length);
        for (uint256 i = 0; i < addresses.length; i++) {
            out[i] = AddressMapping(addresses[i], nodeAddressToStakerAddress[addresses[i]]);
        }
    }

    /// Threshold: ceil(2n/3) of the current validator count (0 when empty).
    function currentValidatorCountForConsensus() public view returns (uint256) {
        return _threshold(_current.length);
    }

    function nextValidatorCountForConsensus() external view returns (uint256) {
        return _threshold(_next.length);
    }

    function isActiveValidator(address account) public view returns (bool) {
        return _contains(_current, account);
    }

    function isActiveValidatorByNodeAddress(address account) external view returns (bool) {
        address staker = nodeAddressToStakerAddress[account];
        return staker != address(0) && _contains(_current, staker);
    }

    function readyForNextEpoch(address stakerAddress) external view returns (bool) {
        return _ready[_epoch.number][stakerAddress];
    }

    function countOfCurrentValidatorsReadyForNextEpoch() public view returns (uint256) {
        return _countReady(_current);
    }

    function countOfNextValidatorsReadyForNextEpoch() public view returns (uint256) {
        return _countReady(_next);
    }

    /// Ready when a consensus threshold of both the current and the next set signalled.
    function isReadyForNextEpoch() public view returns (bool) {
        if (_next.length == 0) return false;
        return countOfCurrentValidatorsReadyForNextEpoch() >= _threshold(_current.length)
            && countOfNextValidatorsReadyForNextEpoch() >= _next.length;
    }

    function shouldKickValidator(address stakerAddress) external view returns (bool) {
        return _kickVotes[_epoch.number][stakerAddress] >= currentValidatorCountForConsensus();
    }

    function getVotingStatusToKickValidator(uint256 epochNumber, address validatorStakerAddress, address voterStakerAddress)
        external
        view
        returns (uint256, bool)
    {
        return (
            _kickVotes[epochNumber][validatorStakerAddress],
            _kickVoted[epochNumber][validatorStakerAddress][voterStakerAddress]
        );
    }

    function getTokenAddress() external view returns (address) {
        return contractResolver.getContract(contractResolver.LIT_TOKEN_CONTRACT(), env);
    }

    function getStakingBalancesAddress() external view returns (address) {
        return contractResolver.getContract(contractResolver.STAKING_BALANCES_CONTRACT(), env);
    }

    function getMinVersion() external view returns (Version memory) {
        return _minVersion;
    }

    function getMaxVersion() external view returns (Version memory) {
        return _maxVersion;
    }

    function getMinVersionString() external view returns (string memory) {
        return _versionString(_minVersion);
    }

    function getMaxVersionString() external view returns (string memory) {
        return _versionString(_maxVersion);
    }

    function checkVersion(Version calldata version) external view returns (bool) {
        return _cmp(version, _minVersion) >= 0 && _cmp(version, _maxVersion) <= 0;
    }

    // ------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------

    function _setValidator(
        address staker,
        uint32 ip,
        uint128 ipv6,
        uint32 port,
        address nodeAddress,
        uint256 senderPubKey,
        uint256 receiverPubKey
    ) private {
        Validator storage v = _validators[staker];
        if (v.nodeAddress != address(0) && v.nodeAddress != nodeAddress) {
            delete nodeAddressToStakerAddress[v.nodeAddress];
        }
        v.ip = ip;
        v.ipv6 = ipv6;
        v.port = port;
        v.nodeAddress = nodeAddress;
        v.senderPubKey = senderPubKey;
        v.receiverPubKey = receiverPubKey;
        nodeAddressToStakerAddress[nodeAddress] = staker;
    }

    function _kick(address staker) private {
        _removeFrom(_next, staker);
        if (!_isKicked[staker]) {
            _isKicked[staker] = true;
            _kicked.push(staker);
            emit ValidatorKickedFromNextEpoch(staker, 0);
        }
    }

    function _setState(States s) private {
        _state = s;
        emit StateChanged(s);
    }

    function _threshold(uint256 n) private view returns (uint256) {
        if (_consensusThreshold != 0) return _consensusThreshold;
        return (n * 2 + 2) / 3;
    }

    function _countReady(address[] storage set) private view returns (uint256 c) {
        for (uint256 i = 0; i < set.length; i++) {
            if (_ready[_epoch.number][set[i]]) c++;
        }
    }

    function _contains(address[] storage set, address a) private view returns (bool) {
        for (uint256 i = 0; i < set.length; i++) {
            if (set[i] == a) return true;
        }
        return false;
    }

    function _removeFrom(address[] storage set, address a) private {
        for (uint256 i = 0; i < set.length; i++) {
            if (set[i] == a) {
                set[i] = set[set.length - 1];
                set.pop();
                return;
            }
        }
    }

    function _cmp(Version memory a, Version memory b) private pure returns (int256) {
        if (a.major != b.major) return a.major < b.major ? -1 : int256(1);
        if (a.minor != b.minor) return a.minor < b.minor ? -1 : int256(1);
        if (a.patch != b.patch) return a.patch < b.patch ? -1 : int256(1);
        return 0;
    }

    function _versionString(Version memory v) private pure returns (string memory) {
        return string.concat(_u(v.major), ".", _u(v.minor), ".", _u(v.patch));
    }

    function _u(uint256 v) private pure returns (string memory) {
        if (v == 0) return "0";
        uint256 len;
        for (uint256 t = v; t != 0; t /= 10) len++;
        bytes memory b = new bytes(len);
        while (v != 0) {
            b[--len] = bytes1(uint8(48 + (v % 10)));
            v /= 10;
        }
        return string(b);
    }
}
