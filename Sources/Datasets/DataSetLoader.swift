import Foundation

/// Locates and loads (and validates) a data set; errors are `DataSetError` / `IDXError` / `BinaryDataError` values
/// whose `description` is one clear line.
///
/// CIFAR-10 and STL-10 are read by `BinaryDataSetReader` (sizes checked before allocating, labels while reading).
/// For the MNIST family, each file is checked as it is read (see `IDXFile.init(reading:dimensionCount:)`), then image and label
/// counts, label range and image sizes across the splits. Checksums are not computed here
/// (`verifyDataSet` does that).
public func loadDataSet(named name: String, directory: String?, environment: [String: String] = ProcessInfo.processInfo.environment, currentDirectory: String = FileManager.default.currentDirectoryPath) throws -> DataSet {
    let description = try DataSetDescription.named(name)
    let folder = try locateDataSet(named: name, directory: directory, environment: environment,
                                   currentDirectory: currentDirectory)
    switch description.format {
    case .idx:
        return try readDataSet(description, files: dataSetFiles(in: folder), directory: folder)
    case .cifar10:
        let (train, test) = try BinaryDataSetReader.readCIFAR10(folder: folder)
        return DataSet(name: name, directory: folder, classes: description.classes, train: train, test: test)
    case .stl10:
        let (train, test) = try BinaryDataSetReader.readSTL10(folder: folder)
        return DataSet(name: name, directory: folder, classes: description.classes, train: train, test: test)
    }
}

/// Reads and validates the four files of `description` at `files` (one path per role); a damaged file is an
/// `IDXError` that names the data set (``IDXError/naming(dataSet:)``).
public func readDataSet(_ description: DataSetDescription, files: [DataSetFileRole: String],
                        directory: String) throws -> DataSet {
    func path(_ role: DataSetFileRole) throws -> String {
        guard let path = files[role] else {
            throw DataSetError.notFound(name: description.name, places: [
                SearchedPlace(origin: "given", path: directory, finding: "missing \(role.fileName)[.gz]"),
            ])
        }
        return path
    }
    let train: LabeledImages, test: LabeledImages
    do {
        train = try makeSplit(images: IDXFile(reading: path(.trainImages), dimensionCount: 3),
                              labels: IDXFile(reading: path(.trainLabels), dimensionCount: 1),
                              classes: description.classes)
        test = try makeSplit(images: IDXFile(reading: path(.testImages), dimensionCount: 3),
                             labels: IDXFile(reading: path(.testLabels), dimensionCount: 1),
                             classes: description.classes)
    } catch let error as IDXError {
        throw error.naming(dataSet: description.name)
    }
    guard train.rows == test.rows, train.columns == test.columns else {
        throw DataSetError.splitShapesDiffer(dataSet: description.name, directory: directory, train: [train.rows, train.columns],
                                             test: [test.rows, test.columns])
    }
    return DataSet(name: description.name, directory: directory, classes: description.classes, train: train, test: test)
}

/// Pairs an image file (count × rows × columns) with its label file (count): the counts must agree and every
/// label must be below `classes`. The pixel bytes are shared with `images`, not copied.
public func makeSplit(images: IDXFile, labels: IDXFile, classes: Int) throws -> LabeledImages {
    guard images.dimensions.count == 3 else {
        throw IDXError.wrongDimensionCount(path: images.path, expected: 3, found: images.dimensions.count)
    }
    guard labels.dimensions.count == 1 else {
        throw IDXError.wrongDimensionCount(path: labels.path, expected: 1, found: labels.dimensions.count)
    }
    guard images.count == labels.count else {
        throw IDXError.countMismatch(imagesPath: images.path, images: images.count, labelsPath: labels.path, labels: labels.count)
    }
    if let bad = firstLabel(in: labels.data, notBelow: classes) {
        throw IDXError.labelOutOfRange(path: labels.path, index: bad, label: Int(labels.data[bad]), classes: classes,
                               offset: labels.header.count + bad)
    }
    return LabeledImages(count: images.count, rows: images.dimensions[1], columns: images.dimensions[2],
                         pixels: images.data, labels: labels.data)
}

/// The index of the first label that is `classes` or more, if any.
private func firstLabel(in labels: [UInt8], notBelow classes: Int) -> Int? {
    guard classes <= 255 else { return nil }
    let limit = UInt8(classes)
    return labels.withUnsafeBufferPointer { buffer in
        var i = 0
        while i < buffer.count {
            if buffer[i] >= limit { return i }
            i += 1
        }
        return nil
    }
}
